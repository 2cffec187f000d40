function reverseKGroup(head, k) {
  const sentinel = new ListNode(0, head);
  let before = sentinel; // the node just before the next group
  for (;;) {
    let last = before;
    for (let i = 0; i < k; i++) {
      last = last.next;
      if (!last) return sentinel.next; // fewer than k nodes left: keep them as they are
    }
    const first = before.next, after = last.next;
    let prev = after, node = first;
    while (node !== after) {
      const next = node.next;
      node.next = prev;
      prev = node;
      node = next;
    }
    before.next = last;
    before = first;
  }
}
