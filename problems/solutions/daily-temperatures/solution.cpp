class Solution {
public:
    vector<int> dailyTemperatures(vector<int>& temperatures) {
        vector<int> wait(temperatures.size(), 0);
        vector<int> pending;  // indices still waiting, temperatures non-increasing
        for (int i = 0; i < (int)temperatures.size(); i++) {
            while (!pending.empty() && temperatures[pending.back()] < temperatures[i]) {
                wait[pending.back()] = i - pending.back();
                pending.pop_back();
            }
            pending.push_back(i);
        }
        return wait;
    }
};
