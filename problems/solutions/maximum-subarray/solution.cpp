class Solution {
public:
    int maxSubarray(vector<int>& nums) {
        int best = nums[0], ending = nums[0];
        for (size_t i = 1; i < nums.size(); i++) {
            ending = max(nums[i], ending + nums[i]);
            best = max(best, ending);
        }
        return best;
    }
};
