// interview-coach judge harness for C++17, the declarations both of its parts share. The judge
// puts this text first in main.cpp (the glue around the candidate's code, compiled per run) and
// in harness_core.cpp (the JSON reader and writer, the protocol and main, the same for every
// problem: compiled once into an object file the per-run compile links, or beside main.cpp
// when there is none).
// Protocol: stdin line 1 is the header (nonce, per-case time limit, output cap); each further
// line is one case's input object; for each case one line "<nonce> <json>" goes to the
// original stdout (a dup of fd 1; fd 1 itself then points at stderr, so the candidate's
// printf cannot corrupt it, and std::cout is captured per case).
// Bench mode (the header has "bench": {"budget_ms", "repeats"}): each line is one size (a JSON
// array of inputs of that size, or one input object), timed in `repeats` batches or more, a
// batch being as many calls as spend a millisecond (each call on freshly converted arguments,
// rotating among the line's inputs), and answered {"ms": the best batch's mean per call} (the calls
// alone: the glue times them); the calls of all lines share the budget (the watchdog ends the
// process when it is spent), and the first error ends it.
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
    bool has(const std::string& key) const {
        for (auto& kv : o) if (kv.first == key) return true;
        return false;
    }
};

Json parse(const std::string& text);
void write_str(std::string& out, const std::string& s);

// ---- results to JSON text ----
void put(std::string& out, int v);
void put(std::string& out, long v);
void put(std::string& out, long long v);
void put(std::string& out, unsigned v);
void put(std::string& out, unsigned long v);
void put(std::string& out, unsigned long long v);
void put(std::string& out, bool v);
void put(std::string& out, double v);
void put(std::string& out, float v);
void put(std::string& out, char v);
void put(std::string& out, const std::string& v);
void put(std::string& out, const char* v);

// ---- the run ----
extern std::string nonce;
extern int proto_fd;
extern std::atomic<long long> deadline;
/// Time spent in the candidate's calls of the current case.
extern double spent_ms;
long long now_ns();
/// Now, for timing the candidate's calls (the glue): ns of the wall clock, or in bench mode
/// of the thread's CPU time (a busy machine's other processes do not count).
long long clock_ns();
void send(const std::string& body);

template <class F> double timed(F&& f) {
    long long start = now_ns();
    f();
    return (now_ns() - start) / 1e6;
}

std::string call(const Json& c);  // the generated glue
}  // namespace ic
