class TimeMap {
  constructor() {
    this.history = new Map(); // key -> [[timestamp, value], ...] in increasing timestamp order
  }

  set(key, value, timestamp) {
    if (!this.history.has(key)) this.history.set(key, []);
    this.history.get(key).push([timestamp, value]);
  }

  get(key, timestamp) {
    const entries = this.history.get(key) ?? [];
    // The last entry whose timestamp is <= the one asked for.
    let lo = 0, hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid][0] <= timestamp) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? entries[lo - 1][1] : '';
  }
}
