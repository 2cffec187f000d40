class ListNode:
    def __init__(self, val, next=None):
        self.val = val
        self.next = next


def build(values):
    head = None
    for v in reversed(values):
        head = ListNode(v, head)
    return head


def to_list(node):
    out = []
    while node:
        out.append(node.val)
        node = node.next
    return out


def solve(head):
    prev, cur = None, build(head)
    while cur:
        cur.next, prev, cur = prev, cur, cur.next
    return to_list(prev)
