// expected: n log n
class Solution {
public:
    int findKthLargest(vector<int>& nums, int k) {
        vector<int> s(nums);
        sort(s.begin(), s.end());
        return s[s.size() - k];
    }
};
