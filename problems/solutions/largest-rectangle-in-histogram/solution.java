class Solution {
    public int largestRectangleArea(int[] heights) {
        int n = heights.length, best = 0, top = 0;
        int[] stack = new int[n + 1]; // indices of bars with increasing heights
        for (int i = 0; i <= n; i++) {
            int h = i == n ? 0 : heights[i];
            while (top > 0 && heights[stack[top - 1]] >= h) {
                int tall = heights[stack[--top]];
                int left = top > 0 ? stack[top - 1] + 1 : 0;
                best = Math.max(best, tall * (i - left));
            }
            stack[top++] = i;
        }
        return best;
    }
}
