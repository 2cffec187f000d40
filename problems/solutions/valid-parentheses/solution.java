class Solution {
    public boolean isValid(String s) {
        Deque<Character> expected = new ArrayDeque<>(); // closers still owed, innermost on top
        for (char c : s.toCharArray()) {
            switch (c) {
                case '(': expected.push(')'); break;
                case '[': expected.push(']'); break;
                case '{': expected.push('}'); break;
                default:
                    if (expected.isEmpty() || expected.pop() != c) return false;
            }
        }
        return expected.isEmpty();
    }
}
