// interview-coach judge harness for C++17: this file is main.cpp; the candidate's code is
// #included from solution.cpp (so compiler messages name its own lines), then the generated
// glue (converting a case's arguments, calling the code, converting the result), then main.
// Protocol: stdin line 1 is the header (nonce, per-case time limit, output cap); each further
// line is one case's input object; for each case one line "<nonce> <json>" goes to the
// original stdout (a dup of fd 1; fd 1 itself then points at stderr, so the candidate's
// printf cannot corrupt it, and std::cout is captured per case).
#include <bits/stdc++.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
using namespace std;

namespace ic {
struct Json {
    enum Kind { Null, Bool, Int, Double, String, Array, Object } kind = Null;
    bool b = false;
    long long i = 0;
    double d = 0;
    std::string s;
    std::vector<Json> a;
    std::vector<std::pair<std::string, Json>> o;
    const Json& operator[](const std::string& key) const {
        for (auto& kv : o) if (kv.first == key) return kv.second;
        throw std::runtime_error("the input has no argument '" + key + "'");
    }
    double num() const { return kind == Int ? (double)i : d; }
};

struct Parser {
    const std::string& t;
    size_t p = 0;
    void ws() { while (p < t.size() && isspace((unsigned char)t[p])) p++; }
    void expect(char c) {
        ws();
        if (p >= t.size() || t[p] != c) throw std::runtime_error(std::string("bad JSON: expected ") + c);
        p++;
    }
    std::string str() {
        expect('"');
        std::string out;
        while (p < t.size() && t[p] != '"') {
            char c = t[p++];
            if (c != '\\') { out += c; continue; }
            char e = t[p++];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'u': {
                    unsigned cp = std::stoul(t.substr(p, 4), nullptr, 16);
                    p += 4;
                    if (cp >= 0xD800 && cp < 0xDC00 && t.compare(p, 2, "\\u") == 0) {
                        unsigned lo = std::stoul(t.substr(p + 2, 4), nullptr, 16);
                        p += 6;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    if (cp < 0x80) out += (char)cp;
                    else if (cp < 0x800) { out += (char)(0xC0 | (cp >> 6)); out += (char)(0x80 | (cp & 63)); }
                    else if (cp < 0x10000) { out += (char)(0xE0 | (cp >> 12)); out += (char)(0x80 | ((cp >> 6) & 63)); out += (char)(0x80 | (cp & 63)); }
                    else { out += (char)(0xF0 | (cp >> 18)); out += (char)(0x80 | ((cp >> 12) & 63)); out += (char)(0x80 | ((cp >> 6) & 63)); out += (char)(0x80 | (cp & 63)); }
                    break;
                }
                default: out += e;
            }
        }
        p++;
        return out;
    }
    Json value() {
        ws();
        Json v;
        if (p >= t.size()) throw std::runtime_error("bad JSON: unexpected end");
        char c = t[p];
        if (c == '{') {
            p++; v.kind = Json::Object; ws();
            if (t[p] == '}') { p++; return v; }
            while (true) {
                ws(); std::string k = str(); expect(':');
                v.o.emplace_back(k, value());
                ws();
                if (t[p] == ',') { p++; continue; }
                expect('}'); return v;
            }
        }
        if (c == '[') {
            p++; v.kind = Json::Array; ws();
            if (t[p] == ']') { p++; return v; }
            while (true) {
                v.a.push_back(value());
                ws();
                if (t[p] == ',') { p++; continue; }
                expect(']'); return v;
            }
        }
        if (c == '"') { v.kind = Json::String; v.s = str(); return v; }
        if (t.compare(p, 4, "true") == 0) { p += 4; v.kind = Json::Bool; v.b = true; return v; }
        if (t.compare(p, 5, "false") == 0) { p += 5; v.kind = Json::Bool; return v; }
        if (t.compare(p, 4, "null") == 0) { p += 4; return v; }
        size_t start = p;
        while (p < t.size() && strchr("+-0123456789.eE", t[p])) p++;
        std::string n = t.substr(start, p - start);
        if (n.empty()) throw std::runtime_error("bad JSON");
        if (n.find_first_of(".eE") == std::string::npos) {
            try { v.kind = Json::Int; v.i = std::stoll(n); return v; } catch (...) {}
        }
        v.kind = Json::Double; v.d = std::stod(n);
        return v;
    }
};

inline Json parse(const std::string& text) { Parser p{text}; return p.value(); }

inline void write_str(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') { out += '\\'; out += (char)c; }
        else if (c == '\n') out += "\\n";
        else if (c < 0x20) { char buf[8]; snprintf(buf, sizeof buf, "\\u%04x", c); out += buf; }
        else out += (char)c;
    }
    out += '"';
}

// ---- results to JSON text ----
inline void put(std::string& out, int v) { out += std::to_string(v); }
inline void put(std::string& out, long v) { out += std::to_string(v); }
inline void put(std::string& out, long long v) { out += std::to_string(v); }
inline void put(std::string& out, unsigned v) { out += std::to_string(v); }
inline void put(std::string& out, unsigned long v) { out += std::to_string(v); }
inline void put(std::string& out, unsigned long long v) { out += std::to_string(v); }
inline void put(std::string& out, bool v) { out += v ? "true" : "false"; }
inline void put(std::string& out, double v) {
    if (!std::isfinite(v)) { out += "null"; return; }
    char buf[40]; snprintf(buf, sizeof buf, "%.17g", v); out += buf;
}
inline void put(std::string& out, float v) { put(out, (double)v); }
inline void put(std::string& out, char v) { write_str(out, std::string(1, v)); }
inline void put(std::string& out, const std::string& v) { write_str(out, v); }
inline void put(std::string& out, const char* v) { write_str(out, v); }
}  // namespace ic

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

// ---- the run ----
std::string nonce;
int proto_fd = 1;
std::atomic<long long> deadline{LLONG_MAX};
double spent_ms = 0;

inline long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void send(const std::string& body) {
    std::string line = nonce + " " + body + "\n";
    size_t off = 0;
    while (off < line.size()) {
        ssize_t n = write(proto_fd, line.data() + off, line.size() - off);
        if (n <= 0) break;
        off += (size_t)n;
    }
}

/// The candidate's std::cout for one case: keeps the first `keep` bytes, counts the rest.
struct Capture : std::streambuf {
    std::string kept;
    size_t keep, cap, seen = 0;
    bool over = false;
    Capture(size_t k, size_t c) : keep(k), cap(c) {}
    int overflow(int c) override {
        if (c == EOF) return 0;
        char ch = (char)c;
        xsputn(&ch, 1);
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        seen += (size_t)n;
        if (kept.size() < keep) kept.append(s, std::min((size_t)n, keep - kept.size()));
        if (seen > cap) over = true;
        return n;
    }
};

template <class F> double timed(F&& f) {
    long long start = now_ns();
    f();
    return (now_ns() - start) / 1e6;
}

std::string call(const Json& c);  // the generated glue
}  // namespace ic
