// expected: n^2
class Solution {
public:
    bool containsDuplicate(vector<int>& nums) {
        for (size_t i = 0; i < nums.size(); i++)
            for (size_t j = i + 1; j < nums.size(); j++)
                if (nums[i] == nums[j]) return true;
        return false;
    }
};
