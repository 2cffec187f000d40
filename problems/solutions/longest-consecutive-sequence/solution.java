class Solution {
    public int longestConsecutive(int[] nums) {
        Set<Integer> values = new HashSet<>();
        for (int x : nums) values.add(x);
        int best = 0;
        for (int x : values) {
            if (values.contains(x - 1)) continue; // not the start of a run
            int end = x;
            while (values.contains(end + 1)) end++;
            best = Math.max(best, end - x + 1);
        }
        return best;
    }
}
