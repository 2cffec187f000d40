function threeSum(nums) {
  const sorted = [...nums].sort((a, b) => a - b);
  const n = sorted.length;
  const triples = [];
  for (let a = 0; a < n - 2 && sorted[a] <= 0; a++) {
    if (a > 0 && sorted[a] === sorted[a - 1]) continue;
    let lo = a + 1, hi = n - 1;
    while (lo < hi) {
      const sum = sorted[a] + sorted[lo] + sorted[hi];
      if (sum < 0) lo++;
      else if (sum > 0) hi--;
      else {
        triples.push([sorted[a], sorted[lo], sorted[hi]]);
        do lo++; while (lo < hi && sorted[lo] === sorted[lo - 1]);
        do hi--; while (lo < hi && sorted[hi] === sorted[hi + 1]);
      }
    }
  }
  return triples;
}
