function subarraySum(nums, k) {
  const prefixCounts = new Map([[0, 1]]);
  let prefix = 0, count = 0;
  for (const x of nums) {
    prefix += x;
    count += prefixCounts.get(prefix - k) ?? 0;
    prefixCounts.set(prefix, (prefixCounts.get(prefix) ?? 0) + 1);
  }
  return count;
}
