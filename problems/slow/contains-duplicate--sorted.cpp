// expected: n log n
class Solution {
public:
    bool containsDuplicate(vector<int>& nums) {
        vector<int> s(nums);
        sort(s.begin(), s.end());
        for (size_t i = 1; i < s.size(); i++)
            if (s[i] == s[i - 1]) return true;
        return false;
    }
};
