function numIslands(grid) {
  let count = 0;
  for (let i = 0; i < grid.length; i++) {
    for (let j = 0; j < grid[0].length; j++) {
      if (grid[i][j] !== '1') continue;
      count++;
      const stack = [[i, j]];
      while (stack.length) {
        const [r, c] = stack.pop();
        if (r < 0 || c < 0 || r >= grid.length || c >= grid[0].length || grid[r][c] !== '1') continue;
        grid[r][c] = '0';
        stack.push([r + 1, c], [r - 1, c], [r, c + 1], [r, c - 1]);
      }
    }
  }
  return count;
}
