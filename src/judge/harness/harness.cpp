// interview-coach judge harness for C++17, the part compiled with each run: after the shared
// declarations (harness_core.h), the node types unless the candidate defines them, the
// candidate's code #included from solution.cpp (so compiler messages name its own lines), the
// conversions between JSON and the signature's types, then the generated glue (converting a
// case's arguments, calling the code, converting the result).
#ifndef IC_CANDIDATE_LIST_NODE
struct ListNode {
    int val;
    ListNode* next;
    ListNode() : val(0), next(nullptr) {}
    ListNode(int x) : val(x), next(nullptr) {}
    ListNode(int x, ListNode* n) : val(x), next(n) {}
};
#endif
#ifndef IC_CANDIDATE_TREE_NODE
struct TreeNode {
    int val;
    TreeNode* left;
    TreeNode* right;
    TreeNode() : val(0), left(nullptr), right(nullptr) {}
    TreeNode(int x) : val(x), left(nullptr), right(nullptr) {}
    TreeNode(int x, TreeNode* l, TreeNode* r) : val(x), left(l), right(r) {}
};
#endif

#include "solution.cpp"

namespace ic {
const size_t MAX_NODES = 1000000;

inline void put(std::string& out, ListNode* node) {
    out += '[';
    size_t n = 0;
    for (; node; node = node->next) {
        if (n++) out += ',';
        put(out, node->val);
        if (n > MAX_NODES) throw std::runtime_error("the returned linked list has a cycle or more than 10^6 nodes");
    }
    out += ']';
}
inline void put(std::string& out, TreeNode* root) {
    std::vector<TreeNode*> queue{root};
    std::vector<std::string> items;
    for (size_t q = 0; q < queue.size(); q++) {
        TreeNode* node = queue[q];
        if (!node) { items.push_back("null"); continue; }
        std::string v; put(v, node->val); items.push_back(v);
        queue.push_back(node->left);
        queue.push_back(node->right);
        if (queue.size() > 2 * MAX_NODES) throw std::runtime_error("the returned tree has a cycle or more than 10^6 nodes");
    }
    while (!items.empty() && items.back() == "null") items.pop_back();
    out += '[';
    for (size_t k = 0; k < items.size(); k++) { if (k) out += ','; out += items[k]; }
    out += ']';
}
template <class T> void put(std::string& out, const std::vector<T>& v) {
    out += '[';
    for (size_t k = 0; k < v.size(); k++) {
        if (k) out += ',';
        if constexpr (std::is_same_v<T, bool>) put(out, (bool)v[k]);
        else put(out, v[k]);
    }
    out += ']';
}

// ---- JSON to typed arguments ----
template <class T> struct Conv;
template <> struct Conv<int> { static int from(const Json& j) { return (int)j.i; } };
template <> struct Conv<long long> { static long long from(const Json& j) { return j.i; } };
template <> struct Conv<double> { static double from(const Json& j) { return j.num(); } };
template <> struct Conv<bool> { static bool from(const Json& j) { return j.b; } };
template <> struct Conv<std::string> { static std::string from(const Json& j) { return j.s; } };
inline ListNode* build_list(const Json& j, long long pos) {
    std::vector<ListNode*> nodes;
    for (auto& v : j.a) nodes.push_back(new ListNode((int)v.i));
    for (size_t k = 0; k + 1 < nodes.size(); k++) nodes[k]->next = nodes[k + 1];
    if (!nodes.empty() && pos >= 0 && pos < (long long)nodes.size()) nodes.back()->next = nodes[pos];
    return nodes.empty() ? nullptr : nodes[0];
}
template <> struct Conv<ListNode*> { static ListNode* from(const Json& j) { return build_list(j, -1); } };
template <> struct Conv<TreeNode*> {
    static TreeNode* from(const Json& j) {
        auto& v = j.a;
        if (v.empty() || v[0].kind == Json::Null) return nullptr;
        TreeNode* root = new TreeNode((int)v[0].i);
        std::vector<TreeNode*> queue{root};
        size_t i = 1, q = 0;
        while (q < queue.size() && i < v.size()) {
            TreeNode* node = queue[q++];
            if (i < v.size() && v[i].kind != Json::Null) { node->left = new TreeNode((int)v[i].i); queue.push_back(node->left); }
            i++;
            if (i < v.size() && v[i].kind != Json::Null) { node->right = new TreeNode((int)v[i].i); queue.push_back(node->right); }
            i++;
        }
        return root;
    }
};
template <class T> struct Conv<std::vector<T>> {
    static std::vector<T> from(const Json& j) {
        std::vector<T> out;
        out.reserve(j.a.size());
        for (auto& x : j.a) out.push_back(Conv<T>::from(x));
        return out;
    }
};

}  // namespace ic
