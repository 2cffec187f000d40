from collections import Counter


def solve(s, t):
    return len(s) == len(t) and Counter(s) == Counter(t)
