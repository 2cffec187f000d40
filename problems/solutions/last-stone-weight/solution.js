function lastStoneWeight(stones) {
  const s = stones.slice();
  while (s.length > 1) {
    s.sort((a, b) => a - b);
    const y = s.pop(), x = s.pop();
    if (y !== x) s.push(y - x);
  }
  return s.length ? s[0] : 0;
}
