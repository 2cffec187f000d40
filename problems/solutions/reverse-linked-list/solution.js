function reverseList(head) {
  let reversed = null;
  while (head) {
    const rest = head.next;
    head.next = reversed;
    reversed = head;
    head = rest;
  }
  return reversed;
}
