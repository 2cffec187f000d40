class Solution {
public:
    ListNode* reverseKGroup(ListNode* head, int k) {
        ListNode dummy(0);
        dummy.next = head;
        ListNode* before = &dummy;  // the node just before the next group
        while (true) {
            ListNode* last = before;
            for (int i = 0; i < k; i++) {
                last = last->next;
                if (!last) return dummy.next;  // fewer than k nodes left: keep them as they are
            }
            ListNode* after = last->next;
            ListNode* first = before->next;
            ListNode *prev = after, *cur = first;
            while (cur != after) {
                ListNode* next = cur->next;
                cur->next = prev;
                prev = cur;
                cur = next;
            }
            before->next = last;
            before = first;
        }
    }
};
