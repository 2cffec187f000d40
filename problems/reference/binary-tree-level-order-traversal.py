from _trees import build


def solve(root):
    node = build(root)
    out = []
    level = [node] if node else []
    while level:
        out.append([n.val for n in level])
        level = [c for n in level for c in (n.left, n.right) if c]
    return out
