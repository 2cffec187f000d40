// Quickselect with a three-way partition, so runs of equal values cost nothing extra.
function findKthLargest(nums, k) {
  const swap = (a, b) => { const t = nums[a]; nums[a] = nums[b]; nums[b] = t; };
  const target = nums.length - k; // its index in ascending order
  let lo = 0, hi = nums.length - 1;
  for (;;) {
    const pivot = nums[lo + Math.floor(Math.random() * (hi - lo + 1))];
    // After the pass: [lo, lt) < pivot, [lt, gt] === pivot, (gt, hi] > pivot.
    let lt = lo, i = lo, gt = hi;
    while (i <= gt) {
      if (nums[i] < pivot) swap(lt++, i++);
      else if (nums[i] > pivot) swap(i, gt--);
      else i++;
    }
    if (target < lt) hi = lt - 1;
    else if (target > gt) lo = gt + 1;
    else return pivot;
  }
}
