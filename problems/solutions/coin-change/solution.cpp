class Solution {
public:
    int coinChange(vector<int>& coins, int amount) {
        const int unreachable = amount + 1;
        vector<int> fewest(amount + 1, unreachable);
        fewest[0] = 0;
        for (int x = 1; x <= amount; x++)
            for (int c : coins)
                if (c <= x) fewest[x] = min(fewest[x], fewest[x - c] + 1);
        return fewest[amount] == unreachable ? -1 : fewest[amount];
    }
};
