# expected: n log n
def insert(intervals, new_interval):
    out = []
    for s, e in sorted(intervals + [new_interval]):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out
