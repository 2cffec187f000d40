function insert(intervals, newInterval) {
  const out = [];
  let [s, e] = newInterval, placed = false;
  for (const [a, b] of intervals) {
    if (b < s) out.push([a, b]);
    else if (a > e) {
      if (!placed) { out.push([s, e]); placed = true; }
      out.push([a, b]);
    } else { s = Math.min(s, a); e = Math.max(e, b); }
  }
  if (!placed) out.push([s, e]);
  return out;
}
