class Solution {
public:
    vector<vector<int>> threeSum(vector<int>& nums) {
        sort(nums.begin(), nums.end());
        int n = nums.size();
        vector<vector<int>> out;
        for (int a = 0; a + 2 < n && nums[a] <= 0; a++) {
            if (a > 0 && nums[a] == nums[a - 1]) continue;
            int lo = a + 1, hi = n - 1;
            while (lo < hi) {
                int sum = nums[a] + nums[lo] + nums[hi];
                if (sum < 0) lo++;
                else if (sum > 0) hi--;
                else {
                    out.push_back({nums[a], nums[lo], nums[hi]});
                    lo++;
                    hi--;
                    while (lo < hi && nums[lo] == nums[lo - 1]) lo++;
                    while (lo < hi && nums[hi] == nums[hi + 1]) hi--;
                }
            }
        }
        return out;
    }
};
