def three_sum(nums):
    nums = sorted(nums)
    n = len(nums)
    out = []
    for a in range(n - 2):
        if a > 0 and nums[a] == nums[a - 1]:
            continue
        if nums[a] > 0:
            break
        lo, hi = a + 1, n - 1
        while lo < hi:
            s = nums[a] + nums[lo] + nums[hi]
            if s < 0:
                lo += 1
            elif s > 0:
                hi -= 1
            else:
                out.append([nums[a], nums[lo], nums[hi]])
                lo += 1
                hi -= 1
                while lo < hi and nums[lo] == nums[lo - 1]:
                    lo += 1
                while lo < hi and nums[hi] == nums[hi + 1]:
                    hi -= 1
    return out
