// Answer the queries in increasing order: add every interval that has started, keep them
// in a min-heap by size, and drop from its top those that ended before the query.
function minInterval(intervals, queries) {
  const byLeft = [...intervals].sort((a, b) => a[0] - b[0]);
  const order = queries.map((_, i) => i).sort((a, b) => queries[a] - queries[b]);
  const heap = []; // [size, right], smallest size on top
  const less = (a, b) => heap[a][0] < heap[b][0];
  const swap = (a, b) => { const t = heap[a]; heap[a] = heap[b]; heap[b] = t; };
  const push = (item) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0 && less(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
  };
  const pop = () => {
    const last = heap.pop();
    if (!heap.length) return;
    heap[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) break;
      swap(i, m);
      i = m;
    }
  };
  const answer = new Array(queries.length).fill(-1);
  let next = 0;
  for (const qi of order) {
    const q = queries[qi];
    while (next < byLeft.length && byLeft[next][0] <= q) {
      const [left, right] = byLeft[next++];
      push([right - left + 1, right]);
    }
    while (heap.length && heap[0][1] < q) pop();
    if (heap.length) answer[qi] = heap[0][0];
  }
  return answer;
}
