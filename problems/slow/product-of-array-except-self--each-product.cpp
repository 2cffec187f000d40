// expected: n^2
class Solution {
public:
    vector<int> productExceptSelf(vector<int>& nums) {
        vector<int> out(nums.size());
        for (size_t i = 0; i < nums.size(); i++) {
            long long p = 1;
            for (size_t j = 0; j < nums.size(); j++)
                if (j != i) p *= nums[j];
            out[i] = (int)p;
        }
        return out;
    }
};
