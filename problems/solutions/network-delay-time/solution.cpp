class Solution {
public:
    int networkDelayTime(vector<vector<int>>& times, int n, int k) {
        vector<vector<pair<int, int>>> edges(n + 1);
        for (auto& t : times) edges[t[0]].emplace_back(t[1], t[2]);

        vector<int> dist(n + 1, INT_MAX);
        priority_queue<pair<int, int>, vector<pair<int, int>>, greater<pair<int, int>>> heap;
        dist[k] = 0;
        heap.emplace(0, k);
        while (!heap.empty()) {
            auto [d, u] = heap.top();
            heap.pop();
            if (d > dist[u]) continue;
            for (auto [v, w] : edges[u]) {
                if (d + w < dist[v]) {
                    dist[v] = d + w;
                    heap.emplace(dist[v], v);
                }
            }
        }
        int slowest = *max_element(dist.begin() + 1, dist.end());
        return slowest == INT_MAX ? -1 : slowest;
    }
};
