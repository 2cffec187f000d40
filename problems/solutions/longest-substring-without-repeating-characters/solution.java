class Solution {
    public int lengthOfLongestSubstring(String s) {
        Map<Character, Integer> last = new HashMap<>();
        int left = 0, best = 0;
        for (int right = 0; right < s.length(); right++) {
            Integer seen = last.put(s.charAt(right), right);
            if (seen != null && seen >= left) left = seen + 1;
            best = Math.max(best, right - left + 1);
        }
        return best;
    }
}
