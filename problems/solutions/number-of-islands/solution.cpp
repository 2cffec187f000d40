class Solution {
public:
    int numIslands(vector<vector<string>>& grid) {
        int count = 0;
        for (int i = 0; i < (int)grid.size(); i++)
            for (int j = 0; j < (int)grid[0].size(); j++)
                if (grid[i][j] == "1") {
                    count++;
                    sink(grid, i, j);
                }
        return count;
    }

private:
    void sink(vector<vector<string>>& grid, int i, int j) {
        vector<pair<int, int>> stack{{i, j}};
        while (!stack.empty()) {
            auto [r, c] = stack.back();
            stack.pop_back();
            if (r < 0 || c < 0 || r >= (int)grid.size() || c >= (int)grid[0].size() || grid[r][c] != "1") continue;
            grid[r][c] = "0";
            stack.push_back({r + 1, c});
            stack.push_back({r - 1, c});
            stack.push_back({r, c + 1});
            stack.push_back({r, c - 1});
        }
    }
};
