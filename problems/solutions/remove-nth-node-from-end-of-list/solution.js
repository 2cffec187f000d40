function removeNthFromEnd(head, n) {
  const sentinel = new ListNode(0, head);
  let lead = sentinel, trail = sentinel;
  for (let i = 0; i <= n; i++) lead = lead.next; // n + 1 nodes ahead of trail
  while (lead) {
    lead = lead.next;
    trail = trail.next;
  }
  trail.next = trail.next.next;
  return sentinel.next;
}
