class Solution {
public:
    vector<int> minInterval(vector<vector<int>>& intervals, vector<int>& queries) {
        sort(intervals.begin(), intervals.end());
        vector<int> order(queries.size());
        iota(order.begin(), order.end(), 0);
        sort(order.begin(), order.end(), [&](int a, int b) { return queries[a] < queries[b]; });

        // (size, right end) of the intervals that start at or before the current query.
        priority_queue<pair<int, int>, vector<pair<int, int>>, greater<pair<int, int>>> open;
        vector<int> answer(queries.size(), -1);
        size_t i = 0;
        for (int idx : order) {
            int q = queries[idx];
            for (; i < intervals.size() && intervals[i][0] <= q; i++)
                open.emplace(intervals[i][1] - intervals[i][0] + 1, intervals[i][1]);
            while (!open.empty() && open.top().second < q) open.pop();
            if (!open.empty()) answer[idx] = open.top().first;
        }
        return answer;
    }
};
