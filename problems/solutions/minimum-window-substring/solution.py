from collections import Counter


def min_window(s, t):
    need = Counter(t)
    missing = len(need)  # distinct characters not yet satisfied
    have = Counter()
    best_start, best_len = 0, None
    left = 0
    for right, c in enumerate(s):
        have[c] += 1
        if c in need and have[c] == need[c]:
            missing -= 1
        while missing == 0:
            size = right - left + 1
            if best_len is None or size < best_len:
                best_start, best_len = left, size
            d = s[left]
            have[d] -= 1
            if d in need and have[d] < need[d]:
                missing += 1
            left += 1
    return "" if best_len is None else s[best_start:best_start + best_len]
