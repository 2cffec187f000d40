class Solution {
    public ListNode reverseKGroup(ListNode head, int k) {
        ListNode dummy = new ListNode(0);
        dummy.next = head;
        ListNode before = dummy; // the node just before the next group
        while (true) {
            ListNode kth = before;
            for (int i = 0; i < k && kth != null; i++) kth = kth.next;
            if (kth == null) return dummy.next; // fewer than k nodes left: keep them as they are
            ListNode after = kth.next, first = before.next;
            ListNode prev = after, cur = first;
            while (cur != after) {
                ListNode next = cur.next;
                cur.next = prev;
                prev = cur;
                cur = next;
            }
            before.next = kth;
            before = first;
        }
    }
}
