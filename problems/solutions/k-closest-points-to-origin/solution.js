function kClosest(points, k) {
  return points.slice().sort((p, q) => (p[0] * p[0] + p[1] * p[1]) - (q[0] * q[0] + q[1] * q[1])).slice(0, k);
}
