class TimeMap {
    // key -> (timestamp, value), timestamps increasing because set calls come in order.
    unordered_map<string, vector<pair<int, string>>> history;

public:
    TimeMap() {}

    void set(string key, string value, int timestamp) {
        history[key].emplace_back(timestamp, move(value));
    }

    string get(string key, int timestamp) {
        auto it = history.find(key);
        if (it == history.end()) return "";
        auto& entries = it->second;
        auto after = upper_bound(entries.begin(), entries.end(), timestamp,
                                 [](int t, const pair<int, string>& e) { return t < e.first; });
        return after == entries.begin() ? "" : prev(after)->second;
    }
};
