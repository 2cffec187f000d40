class Solution {
public:
    int findKthLargest(vector<int>& nums, int k) {
        priority_queue<int, vector<int>, greater<int>> largest;  // the k largest seen so far
        for (int x : nums) {
            if ((int)largest.size() < k) largest.push(x);
            else if (x > largest.top()) {
                largest.pop();
                largest.push(x);
            }
        }
        return largest.top();
    }
};
