def reverse_k_group(head, k):
    dummy = ListNode(0, head)
    prev = dummy
    while True:
        kth = prev
        for _ in range(k):
            kth = kth.next
            if kth is None:
                return dummy.next
        after = kth.next
        first = prev.next
        p, cur = after, first
        while cur is not after:
            cur.next, p, cur = p, cur, cur.next
        prev.next = kth
        prev = first
