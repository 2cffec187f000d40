// Quickselect on the squared distance: average O(n), and the answer's order is free.
function kClosest(points, k) {
  const dist = ([x, y]) => x * x + y * y;
  let lo = 0, hi = points.length - 1;
  while (lo < hi) {
    const pick = lo + Math.floor(Math.random() * (hi - lo + 1));
    [points[pick], points[hi]] = [points[hi], points[pick]];
    const pivot = dist(points[hi]);
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (dist(points[i]) < pivot) {
        [points[i], points[store]] = [points[store], points[i]];
        store++;
      }
    }
    [points[store], points[hi]] = [points[hi], points[store]];
    if (store === k - 1) break;
    if (store < k - 1) lo = store + 1;
    else hi = store - 1;
  }
  return points.slice(0, k);
}
