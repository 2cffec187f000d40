class Solution {
    public boolean isAnagram(String s, String t) {
        if (s.length() != t.length()) return false;
        Map<Integer, Integer> count = new HashMap<>();
        s.codePoints().forEach(c -> count.merge(c, 1, Integer::sum));
        for (int c : t.codePoints().toArray()) {
            if (count.getOrDefault(c, 0) == 0) return false;
            count.merge(c, -1, Integer::sum);
        }
        return true;
    }
}
