class Solution {
public:
    vector<int> topKFrequent(vector<int>& nums, int k) {
        unordered_map<int, int> counts;
        for (int x : nums) counts[x]++;
        // Bucket the values by count: a count is at most nums.size().
        vector<vector<int>> byCount(nums.size() + 1);
        for (auto& [value, count] : counts) byCount[count].push_back(value);
        vector<int> out;
        for (int c = nums.size(); c > 0 && (int)out.size() < k; c--)
            for (int value : byCount[c]) {
                if ((int)out.size() == k) break;
                out.push_back(value);
            }
        return out;
    }
};
