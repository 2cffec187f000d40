class Solution {
    public int networkDelayTime(int[][] times, int n, int k) {
        List<List<int[]>> links = new ArrayList<>(n + 1);
        for (int i = 0; i <= n; i++) links.add(new ArrayList<>());
        for (int[] t : times) links.get(t[0]).add(new int[] {t[1], t[2]});
        int[] arrival = new int[n + 1];
        Arrays.fill(arrival, -1);
        // Dijkstra: {time, node}, earliest first.
        PriorityQueue<int[]> heap = new PriorityQueue<>((a, b) -> Integer.compare(a[0], b[0]));
        heap.add(new int[] {0, k});
        int reached = 0, last = 0;
        while (!heap.isEmpty()) {
            int[] top = heap.poll();
            int time = top[0], node = top[1];
            if (arrival[node] >= 0) continue;
            arrival[node] = time;
            reached++;
            last = time;
            for (int[] link : links.get(node)) {
                if (arrival[link[0]] < 0) heap.add(new int[] {time + link[1], link[0]});
            }
        }
        return reached == n ? last : -1;
    }
}
