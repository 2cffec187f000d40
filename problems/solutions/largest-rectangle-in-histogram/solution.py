def largest_rectangle_area(heights):
    stack = []  # indices with increasing heights
    best = 0
    hs = list(heights) + [0]
    for i, h in enumerate(hs):
        while stack and hs[stack[-1]] >= h:
            top = stack.pop()
            left = stack[-1] + 1 if stack else 0
            best = max(best, hs[top] * (i - left))
        stack.append(i)
    return best
