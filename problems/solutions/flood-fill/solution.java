class Solution {
    public int[][] floodFill(int[][] image, int sr, int sc, int color) {
        int start = image[sr][sc];
        if (start == color) return image;
        Deque<int[]> stack = new ArrayDeque<>();
        stack.push(new int[] {sr, sc});
        while (!stack.isEmpty()) {
            int[] p = stack.pop();
            int r = p[0], c = p[1];
            if (r < 0 || c < 0 || r >= image.length || c >= image[0].length || image[r][c] != start) continue;
            image[r][c] = color;
            stack.push(new int[] {r + 1, c});
            stack.push(new int[] {r - 1, c});
            stack.push(new int[] {r, c + 1});
            stack.push(new int[] {r, c - 1});
        }
        return image;
    }
}
