from _trees import build


def solve(root):
    node = build(root)
    if node is None:
        return 0
    depth = 0
    level = [node]
    while level:
        depth += 1
        level = [c for n in level for c in (n.left, n.right) if c]
    return depth
