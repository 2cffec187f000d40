class Solution {
public:
    int largestRectangleArea(vector<int>& heights) {
        vector<int> rising;  // indices of bars with increasing heights
        int n = heights.size(), best = 0;
        for (int i = 0; i <= n; i++) {
            int h = i < n ? heights[i] : 0;
            while (!rising.empty() && heights[rising.back()] >= h) {
                int top = heights[rising.back()];
                rising.pop_back();
                int left = rising.empty() ? 0 : rising.back() + 1;
                best = max(best, top * (i - left));
            }
            rising.push_back(i);
        }
        return best;
    }
};
