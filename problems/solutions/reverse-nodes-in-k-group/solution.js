function reverseKGroup(head, k) {
  const dummy = new ListNode(0, head);
  let prev = dummy;
  while (true) {
    let kth = prev;
    for (let i = 0; i < k; i++) {
      kth = kth.next;
      if (!kth) return dummy.next;
    }
    const after = kth.next, first = prev.next;
    let p = after, cur = first;
    while (cur !== after) [cur.next, p, cur] = [p, cur, cur.next];
    prev.next = kth;
    prev = first;
  }
}
