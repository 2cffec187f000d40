# expected: n^2
def min_meeting_rooms(intervals):
    best = 0
    for s, _ in intervals:
        count = 0
        for a, b in intervals:
            if a <= s < b:
                count += 1
        best = max(best, count)
    return best
