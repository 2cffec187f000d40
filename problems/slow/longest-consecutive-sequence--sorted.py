# expected: n log n
def longest_consecutive(nums):
    s = sorted(set(nums))
    best = run = 0
    for i, x in enumerate(s):
        run = run + 1 if i and s[i - 1] == x - 1 else 1
        best = max(best, run)
    return best
