class Solution {
    public int lengthOfLongestSubstring(String s) {
        Map<Character, Integer> last = new HashMap<>();
        int start = 0, best = 0;
        for (int i = 0; i < s.length(); i++) {
            Integer seen = last.get(s.charAt(i));
            if (seen != null && seen >= start) start = seen + 1;
            last.put(s.charAt(i), i);
            best = Math.max(best, i - start + 1);
        }
        return best;
    }
}
