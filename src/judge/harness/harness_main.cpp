
namespace ic {
inline long long peak_bytes() {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (long long)u.ru_maxrss * 1024;
}

void* run(void*) {
    std::string line;
    std::getline(std::cin, line);
    Json header = parse(line);
    nonce = header["nonce"].s;
    long long limit_ns = header["time_limit_ms"].i * 1000000LL;
    size_t keep = (size_t)header["keep_bytes"].i, cap = (size_t)header["output_bytes"].i;
    std::thread([] {
        while (true) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (now_ns() > deadline.load()) {
                send("{\"error\":\"time_limit\"}");
                _exit(0);
            }
        }
    }).detach();
    std::streambuf* original = std::cout.rdbuf();
    while (std::getline(std::cin, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        Json c = parse(line);
        Capture capture(keep, cap);
        std::cout.rdbuf(&capture);
        std::string reply;
        spent_ms = 0;
        try {
            deadline = now_ns() + limit_ns;
            std::string got = call(c);
            deadline = LLONG_MAX;
            std::cout.flush();
            if (capture.over) reply = "{\"error\":\"output_limit\"";
            else {
                char ms[40];
                snprintf(ms, sizeof ms, "%.6f", spent_ms);
                reply = "{\"ok\":" + got + ",\"ms\":" + ms;
            }
        } catch (const std::bad_alloc&) {
            deadline = LLONG_MAX;
            reply = "{\"error\":\"memory_limit\"";
        } catch (const std::exception& e) {
            deadline = LLONG_MAX;
            reply = "{\"error\":\"runtime\",\"message\":";
            write_str(reply, std::string("exception: ") + e.what());
        } catch (...) {
            deadline = LLONG_MAX;
            reply = "{\"error\":\"runtime\",\"message\":\"an exception that is not a std::exception\"";
        }
        std::cout.rdbuf(original);
        reply += ",\"stdout\":";
        write_str(reply, capture.kept);
        reply += ",\"mem\":" + std::to_string(peak_bytes()) + "}";
        send(reply);
    }
    return nullptr;
}
}  // namespace ic

int main() {
    ic::proto_fd = dup(1);
    dup2(2, 1);
    std::ios::sync_with_stdio(true);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256UL << 20);
    pthread_t thread;
    if (pthread_create(&thread, &attr, ic::run, nullptr) != 0) {
        ic::run(nullptr);
        return 0;
    }
    pthread_join(thread, nullptr);
    return 0;
}
