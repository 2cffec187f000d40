# expected: n log n
def find_kth_largest(nums, k):
    return sorted(nums)[-k]
