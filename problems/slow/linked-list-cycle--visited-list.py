# expected: n^2
def has_cycle(head):
    seen = []
    node = head
    while node:
        for other in seen:
            if other is node:
                return True
        seen.append(node)
        node = node.next
    return False
