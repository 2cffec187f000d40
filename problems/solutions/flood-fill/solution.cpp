class Solution {
public:
    vector<vector<int>> floodFill(vector<vector<int>>& image, int sr, int sc, int color) {
        int start = image[sr][sc];
        if (start == color) return image;
        vector<pair<int, int>> stack{{sr, sc}};
        while (!stack.empty()) {
            auto [r, c] = stack.back();
            stack.pop_back();
            if (r < 0 || c < 0 || r >= (int)image.size() || c >= (int)image[0].size() || image[r][c] != start) continue;
            image[r][c] = color;
            stack.push_back({r + 1, c});
            stack.push_back({r - 1, c});
            stack.push_back({r, c + 1});
            stack.push_back({r, c - 1});
        }
        return image;
    }
};
