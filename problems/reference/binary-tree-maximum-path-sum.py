from _trees import build


def solve(root):
    tree = build(root)
    # iterative post-order to avoid recursion limits on deep trees
    order = []
    stack = [tree]
    while stack:
        n = stack.pop()
        order.append(n)
        for c in (n.left, n.right):
            if c:
                stack.append(c)
    gain = {}
    best = tree.val
    for n in reversed(order):
        gl = max(0, gain[id(n.left)]) if n.left else 0
        gr = max(0, gain[id(n.right)]) if n.right else 0
        best = max(best, n.val + gl + gr)
        gain[id(n)] = n.val + max(gl, gr)
    return best
