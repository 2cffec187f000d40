function largestRectangleArea(heights) {
  const rising = []; // indices whose heights increase strictly
  let best = 0;
  for (let i = 0; i <= heights.length; i++) {
    const h = i === heights.length ? 0 : heights[i];
    while (rising.length && heights[rising[rising.length - 1]] >= h) {
      const top = rising.pop();
      const left = rising.length ? rising[rising.length - 1] + 1 : 0;
      best = Math.max(best, heights[top] * (i - left));
    }
    rising.push(i);
  }
  return best;
}
