import heapq


def min_meeting_rooms(intervals):
    ends = []
    best = 0
    for s, e in sorted(intervals):
        if ends and ends[0] <= s:
            heapq.heapreplace(ends, e)
        else:
            heapq.heappush(ends, e)
        best = max(best, len(ends))
    return best
