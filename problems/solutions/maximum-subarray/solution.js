function maxSubarray(nums) {
  let best = nums[0], run = 0;
  for (const x of nums) {
    run = Math.max(x, run + x);
    best = Math.max(best, run);
  }
  return best;
}
