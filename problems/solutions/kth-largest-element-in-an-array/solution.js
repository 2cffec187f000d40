function findKthLargest(nums, k) {
  return nums.slice().sort((a, b) => b - a)[k - 1];
}
