from _lists import build, to_list


def solve(head):
    prev, cur = None, build(head)
    while cur:
        cur.next, prev, cur = prev, cur, cur.next
    return to_list(prev)
