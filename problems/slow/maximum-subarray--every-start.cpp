// expected: n^2
class Solution {
public:
    int maxSubarray(vector<int>& nums) {
        long long best = nums[0];
        for (size_t i = 0; i < nums.size(); i++) {
            long long total = 0;
            for (size_t j = i; j < nums.size(); j++) {
                total += nums[j];
                if (total > best) best = total;
            }
        }
        return (int)best;
    }
};
