// expected: n^2
class Solution {
    public int maxSubarray(int[] nums) {
        long best = nums[0];
        for (int i = 0; i < nums.length; i++) {
            long total = 0;
            for (int j = i; j < nums.length; j++) {
                total += nums[j];
                if (total > best) best = total;
            }
        }
        return (int) best;
    }
}
