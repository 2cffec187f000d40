// expected: n^2
class Solution {
    public int[] productExceptSelf(int[] nums) {
        int[] out = new int[nums.length];
        for (int i = 0; i < nums.length; i++) {
            long p = 1;
            for (int j = 0; j < nums.length; j++)
                if (j != i) p *= nums[j];
            out[i] = (int) p;
        }
        return out;
    }
}
