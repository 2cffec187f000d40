class MinStack {
    vector<pair<int, int>> items;  // value, minimum so far

public:
    MinStack() {}

    void push(int val) {
        int m = items.empty() ? val : min(val, items.back().second);
        items.push_back({val, m});
    }

    void pop() { items.pop_back(); }

    int top() { return items.back().first; }

    int getMin() { return items.back().second; }
};
