from _trees import build


def solve(root, p, q):
    # Iterative to survive deep trees: record parents, then walk up from p and q.
    node = build(root)
    parent = {node.val: None}
    stack = [node]
    while stack:
        n = stack.pop()
        for c in (n.left, n.right):
            if c:
                parent[c.val] = n.val
                stack.append(c)
    ancestors = set()
    x = p
    while x is not None:
        ancestors.add(x)
        x = parent[x]
    y = q
    while y not in ancestors:
        y = parent[y]
    return y
