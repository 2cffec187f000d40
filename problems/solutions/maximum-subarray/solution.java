class Solution {
    public int maxSubarray(int[] nums) {
        int best = nums[0], ending = nums[0];
        for (int i = 1; i < nums.length; i++) {
            ending = Math.max(nums[i], ending + nums[i]);
            best = Math.max(best, ending);
        }
        return best;
    }
}
