class Solution {
public:
    int subarraySum(vector<int>& nums, int k) {
        unordered_map<long long, int> prefixes{{0, 1}};  // prefix sum -> how many times seen
        long long prefix = 0;
        int count = 0;
        for (int x : nums) {
            prefix += x;
            auto it = prefixes.find(prefix - k);
            if (it != prefixes.end()) count += it->second;
            prefixes[prefix]++;
        }
        return count;
    }
};
