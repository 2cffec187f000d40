function floodFill(image, sr, sc, color) {
  const start = image[sr][sc];
  if (start === color) return image;
  const stack = [[sr, sc]];
  while (stack.length) {
    const [r, c] = stack.pop();
    if (r < 0 || c < 0 || r >= image.length || c >= image[0].length || image[r][c] !== start) continue;
    image[r][c] = color;
    stack.push([r + 1, c], [r - 1, c], [r, c + 1], [r, c - 1]);
  }
  return image;
}
