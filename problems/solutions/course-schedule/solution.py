from collections import deque


def can_finish(num_courses, prerequisites):
    indeg = [0] * num_courses
    after = [[] for _ in range(num_courses)]
    for a, b in prerequisites:
        after[b].append(a)
        indeg[a] += 1
    queue = deque(i for i in range(num_courses) if indeg[i] == 0)
    done = 0
    while queue:
        c = queue.popleft()
        done += 1
        for nxt in after[c]:
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                queue.append(nxt)
    return done == num_courses
