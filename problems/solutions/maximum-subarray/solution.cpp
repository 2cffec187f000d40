class Solution {
public:
    int maxSubarray(vector<int>& nums) {
        int best = nums[0], run = 0;
        for (int x : nums) {
            run = max(x, run + x);
            best = max(best, run);
        }
        return best;
    }
};
