from collections import Counter
import heapq


def solve(nums, k):
    counts = Counter(nums)
    return heapq.nlargest(k, counts, key=counts.__getitem__)
