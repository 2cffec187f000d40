// Bucket by frequency: O(n), no sort.
function topKFrequent(nums, k) {
  const counts = new Map();
  for (const x of nums) counts.set(x, (counts.get(x) ?? 0) + 1);
  const byCount = Array.from({ length: nums.length + 1 }, () => []);
  for (const [value, count] of counts) byCount[count].push(value);
  const top = [];
  for (let c = nums.length; c > 0 && top.length < k; c--) top.push(...byCount[c]);
  return top.slice(0, k);
}
