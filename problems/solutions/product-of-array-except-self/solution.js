function productExceptSelf(nums) {
  const n = nums.length;
  const out = new Array(n);
  let before = 1; // product of nums[0..i)
  for (let i = 0; i < n; i++) {
    out[i] = before;
    before *= nums[i];
  }
  let after = 1; // product of nums(i..n)
  for (let i = n - 1; i >= 0; i--) {
    out[i] *= after;
    after *= nums[i];
  }
  return out;
}
