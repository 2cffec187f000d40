class Solution {
public:
    int lengthOfLis(vector<int>& nums) {
        vector<int> tails;  // tails[i]: smallest tail of an increasing run of length i+1
        for (int x : nums) {
            auto it = lower_bound(tails.begin(), tails.end(), x);
            if (it == tails.end()) tails.push_back(x);
            else *it = x;
        }
        return tails.size();
    }
};
