function lastStoneWeight(stones) {
  const heap = []; // max-heap
  const up = (i) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] >= heap[i]) return;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  };
  const down = (i) => {
    for (;;) {
      let big = i;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        if (child < heap.length && heap[child] > heap[big]) big = child;
      }
      if (big === i) return;
      [heap[big], heap[i]] = [heap[i], heap[big]];
      i = big;
    }
  };
  const take = () => {
    const top = heap[0], last = heap.pop();
    if (heap.length) { heap[0] = last; down(0); }
    return top;
  };
  for (const s of stones) { heap.push(s); up(heap.length - 1); }
  while (heap.length > 1) {
    const y = take(), x = take();
    if (y > x) { heap.push(y - x); up(heap.length - 1); }
  }
  return heap.length ? heap[0] : 0;
}
