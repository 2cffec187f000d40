def max_path_sum(root):
    # Post-order without recursion, so deep trees are fine.
    order = []
    stack = [root]
    while stack:
        n = stack.pop()
        order.append(n)
        stack.extend(c for c in (n.left, n.right) if c)
    gain = {}
    best = root.val
    for n in reversed(order):
        left = max(0, gain[id(n.left)]) if n.left else 0
        right = max(0, gain[id(n.right)]) if n.right else 0
        best = max(best, n.val + left + right)
        gain[id(n)] = n.val + max(left, right)
    return best
