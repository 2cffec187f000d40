class Solution {
    public int findKthLargest(int[] nums, int k) {
        PriorityQueue<Integer> largest = new PriorityQueue<>(k + 1);
        for (int x : nums) {
            largest.add(x);
            if (largest.size() > k) largest.poll();
        }
        return largest.peek();
    }
}
