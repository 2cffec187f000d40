// expected: n log n
class Solution {
    public int findKthLargest(int[] nums, int k) {
        int[] s = nums.clone();
        Arrays.sort(s);
        return s[s.length - k];
    }
}
