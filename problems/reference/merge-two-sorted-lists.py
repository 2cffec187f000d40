from _lists import ListNode, build, to_list


def solve(list1, list2):
    a, b = build(list1), build(list2)
    dummy = tail = ListNode(0)
    while a and b:
        if a.val <= b.val:
            tail.next, a = a, a.next
        else:
            tail.next, b = b, b.next
        tail = tail.next
    tail.next = a or b
    return to_list(dummy.next)
