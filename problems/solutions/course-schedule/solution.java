class Solution {
    public boolean canFinish(int numCourses, int[][] prerequisites) {
        List<List<Integer>> unlocks = new ArrayList<>(numCourses);
        for (int i = 0; i < numCourses; i++) unlocks.add(new ArrayList<>());
        int[] waiting = new int[numCourses];
        for (int[] edge : prerequisites) {
            unlocks.get(edge[1]).add(edge[0]);
            waiting[edge[0]]++;
        }
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < numCourses; i++) if (waiting[i] == 0) ready.add(i);
        int taken = 0;
        while (!ready.isEmpty()) {
            int course = ready.poll();
            taken++;
            for (int next : unlocks.get(course)) {
                if (--waiting[next] == 0) ready.add(next);
            }
        }
        return taken == numCourses;
    }
}
