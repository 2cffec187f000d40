class TimeMap {
    unordered_map<string, map<int, string>> store;

public:
    TimeMap() {}

    void set(string key, string value, int timestamp) { store[key][timestamp] = value; }

    string get(string key, int timestamp) {
        auto it = store.find(key);
        if (it == store.end()) return "";
        auto v = it->second.upper_bound(timestamp);
        if (v == it->second.begin()) return "";
        return prev(v)->second;
    }
};
