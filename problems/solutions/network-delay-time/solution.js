// Dijkstra without a heap: n <= 100, so scanning for the nearest unsettled node, O(n^2 + E),
// is as fast as a heap here and simpler.
function networkDelayTime(times, n, k) {
  const edges = Array.from({ length: n + 1 }, () => []);
  for (const [u, v, w] of times) edges[u].push([v, w]);
  const dist = new Array(n + 1).fill(Infinity);
  const settled = new Array(n + 1).fill(false);
  dist[k] = 0;
  let latest = 0;
  for (let round = 0; round < n; round++) {
    let u = -1;
    for (let v = 1; v <= n; v++) {
      if (!settled[v] && (u === -1 || dist[v] < dist[u])) u = v;
    }
    if (dist[u] === Infinity) return -1; // the rest is unreachable
    settled[u] = true;
    latest = dist[u];
    for (const [v, w] of edges[u]) dist[v] = Math.min(dist[v], dist[u] + w);
  }
  return latest;
}
