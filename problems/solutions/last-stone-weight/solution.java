class Solution {
    public int lastStoneWeight(int[] stones) {
        PriorityQueue<Integer> heap = new PriorityQueue<>(Collections.reverseOrder());
        for (int s : stones) heap.add(s);
        while (heap.size() > 1) {
            int heaviest = heap.poll(), second = heap.poll();
            if (heaviest != second) heap.add(heaviest - second);
        }
        return heap.isEmpty() ? 0 : heap.peek();
    }
}
