class Solution {
    public int[] minInterval(int[][] intervals, int[] queries) {
        int[][] sorted = intervals.clone();
        Arrays.sort(sorted, (a, b) -> Integer.compare(a[0], b[0]));
        Integer[] order = new Integer[queries.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(queries[a], queries[b]));
        // Intervals that start at or before the current query, smallest first: {size, right}.
        PriorityQueue<int[]> open = new PriorityQueue<>((a, b) -> Integer.compare(a[0], b[0]));
        int[] answer = new int[queries.length];
        int next = 0;
        for (int idx : order) {
            int q = queries[idx];
            while (next < sorted.length && sorted[next][0] <= q) {
                int[] iv = sorted[next++];
                open.add(new int[] {iv[1] - iv[0] + 1, iv[1]});
            }
            while (!open.isEmpty() && open.peek()[1] < q) open.poll();
            answer[idx] = open.isEmpty() ? -1 : open.peek()[0];
        }
        return answer;
    }
}
