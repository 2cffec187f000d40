class Solution {
    public int maxSubarray(int[] nums) {
        int best = nums[0], run = 0;
        for (int x : nums) {
            run = Math.max(x, run + x);
            best = Math.max(best, run);
        }
        return best;
    }
}
