import heapq


def min_interval(intervals, queries):
    ivs = sorted(intervals)
    out = [-1] * len(queries)
    heap = []
    i = 0
    for idx in sorted(range(len(queries)), key=queries.__getitem__):
        q = queries[idx]
        while i < len(ivs) and ivs[i][0] <= q:
            l, r = ivs[i]
            heapq.heappush(heap, (r - l + 1, r))
            i += 1
        while heap and heap[0][1] < q:
            heapq.heappop(heap)
        if heap:
            out[idx] = heap[0][0]
    return out
