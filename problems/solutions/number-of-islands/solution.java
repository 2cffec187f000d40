class Solution {
    public int numIslands(String[][] grid) {
        int count = 0;
        for (int i = 0; i < grid.length; i++) {
            for (int j = 0; j < grid[0].length; j++) {
                if (grid[i][j].equals("1")) {
                    count++;
                    sink(grid, i, j);
                }
            }
        }
        return count;
    }

    private void sink(String[][] grid, int i, int j) {
        Deque<int[]> stack = new ArrayDeque<>();
        stack.push(new int[] {i, j});
        while (!stack.isEmpty()) {
            int[] p = stack.pop();
            int r = p[0], c = p[1];
            if (r < 0 || c < 0 || r >= grid.length || c >= grid[0].length || !grid[r][c].equals("1")) continue;
            grid[r][c] = "0";
            stack.push(new int[] {r + 1, c});
            stack.push(new int[] {r - 1, c});
            stack.push(new int[] {r, c + 1});
            stack.push(new int[] {r, c - 1});
        }
    }
}
