def lowest_common_ancestor(root, p, q):
    # Record each value's parent, then walk up from p and from q.
    parent = {root.val: None}
    stack = [root]
    while stack:
        n = stack.pop()
        for c in (n.left, n.right):
            if c:
                parent[c.val] = n.val
                stack.append(c)
    ancestors = set()
    while p is not None:
        ancestors.add(p)
        p = parent[p]
    while q not in ancestors:
        q = parent[q]
    return q
