class Solution {
public:
    int climbStairs(int n) {
        int prev = 1, cur = 1;  // ways to reach step i-1 and step i
        for (int i = 1; i < n; i++) {
            int next = prev + cur;
            prev = cur;
            cur = next;
        }
        return cur;
    }
};
