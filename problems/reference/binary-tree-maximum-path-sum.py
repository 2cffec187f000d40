from collections import deque


class TreeNode:
    def __init__(self, val, left=None, right=None):
        self.val = val
        self.left = left
        self.right = right


def build(values):
    if not values or values[0] is None:
        return None
    root = TreeNode(values[0])
    queue = deque([root])
    i = 1
    while queue and i < len(values):
        node = queue.popleft()
        if i < len(values) and values[i] is not None:
            node.left = TreeNode(values[i])
            queue.append(node.left)
        i += 1
        if i < len(values) and values[i] is not None:
            node.right = TreeNode(values[i])
            queue.append(node.right)
        i += 1
    return root


def to_list(root):
    out = []
    queue = deque([root])
    while queue:
        node = queue.popleft()
        if node is None:
            out.append(None)
        else:
            out.append(node.val)
            queue.append(node.left)
            queue.append(node.right)
    while out and out[-1] is None:
        out.pop()
    return out


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
