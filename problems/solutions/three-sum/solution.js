function threeSum(nums) {
  const a = nums.slice().sort((x, y) => x - y), out = [];
  for (let i = 0; i < a.length - 2; i++) {
    if (i > 0 && a[i] === a[i - 1]) continue;
    let l = i + 1, r = a.length - 1;
    while (l < r) {
      const s = a[i] + a[l] + a[r];
      if (s < 0) l++;
      else if (s > 0) r--;
      else {
        out.push([a[i], a[l], a[r]]);
        while (l < r && a[l] === a[l + 1]) l++;
        l++; r--;
      }
    }
  }
  return out;
}
