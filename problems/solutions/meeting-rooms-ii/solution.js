// Sweep the sorted starts against the sorted ends: a meeting that ends at t frees its
// room for one that starts at t.
function minMeetingRooms(intervals) {
  const starts = intervals.map(([s]) => s).sort((a, b) => a - b);
  const ends = intervals.map(([, e]) => e).sort((a, b) => a - b);
  let rooms = 0, best = 0, j = 0;
  for (const s of starts) {
    while (ends[j] <= s) { j++; rooms--; }
    rooms++;
    best = Math.max(best, rooms);
  }
  return best;
}
