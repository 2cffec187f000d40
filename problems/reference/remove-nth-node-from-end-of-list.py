from _lists import ListNode, build, to_list


def solve(head, n):
    dummy = ListNode(0, build(head))
    lead = trail = dummy
    for _ in range(n + 1):
        lead = lead.next
    while lead:
        lead = lead.next
        trail = trail.next
    trail.next = trail.next.next
    return to_list(dummy.next)
