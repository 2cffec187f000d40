def solve(nums):
    return len(set(nums)) != len(nums)
