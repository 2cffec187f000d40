class Solution {
    public int[] productExceptSelf(int[] nums) {
        int n = nums.length;
        int[] out = new int[n];
        int run = 1;
        for (int i = 0; i < n; i++) {
            out[i] = run; // product of everything to the left
            run *= nums[i];
        }
        run = 1;
        for (int i = n - 1; i >= 0; i--) {
            out[i] *= run; // times the product of everything to the right
            run *= nums[i];
        }
        return out;
    }
}
