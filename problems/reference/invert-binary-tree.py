from _trees import build, to_list


def solve(root):
    tree = build(root)
    stack = [tree]
    while stack:
        node = stack.pop()
        if node:
            node.left, node.right = node.right, node.left
            stack.append(node.left)
            stack.append(node.right)
    return to_list(tree)
