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


def solve(head, k):
    dummy = ListNode(0, build(head))
    prev = dummy
    while True:
        kth = prev
        for _ in range(k):
            kth = kth.next
            if kth is None:
                return to_list(dummy.next)
        after = kth.next
        first = prev.next
        # reverse first..kth
        p, cur = after, first
        while cur is not after:
            cur.next, p, cur = p, cur, cur.next
        prev.next = kth
        prev = first
