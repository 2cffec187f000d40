from _lists import ListNode, build, to_list


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
