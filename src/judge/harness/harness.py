# interview-coach judge harness for Python 3 (generated around the candidate's solution.py).
# Protocol: stdin line 1 is the header (nonce, per-case time limit, output cap, signature);
# each further line is one case's input object. For each case one line
# "<nonce> <json>" goes to the original stdout; the candidate's own prints are captured per
# case (and anything else written to fd 1 goes to stderr).
# Bench mode (the header has "bench": {"budget_ms", "repeats"}): each line is one size, a
# JSON array of inputs of that size (or one input object), timed in `repeats` batches or
# more, a batch being as many calls as spend a millisecond (each on fresh arguments, the
# calls rotating among the line's inputs so that the branch predictor and the caches cannot
# learn one), and answered {"ms": the best batch's mean per call}, with the garbage
# collector off during the calls, timed in the thread's CPU time (a busy machine's other
# processes do not count); the calls of all lines share the budget, and the process ends
# when it is spent.
import gc, json, os, resource, sys, threading, time, traceback

_proto = os.dup(1)
os.dup2(2, 1)
sys.stdout = sys.stderr


class ListNode:
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next


class TreeNode:
    def __init__(self, val=0, left=None, right=None):
        self.val = val
        self.left = left
        self.right = right


_ListNode, _TreeNode = ListNode, TreeNode
_MAX_NODES = 1_000_000


class _OutputLimit(Exception):
    pass


class _Capture:
    """The candidate's print(): keeps the first `keep` characters, fails past `cap`."""

    def __init__(self, keep, cap):
        self.keep, self.cap, self.parts, self.kept, self.seen = keep, cap, [], 0, 0

    def write(self, text):
        self.seen += len(text)
        if self.kept < self.keep:
            part = text[: self.keep - self.kept]
            self.parts.append(part)
            self.kept += len(part)
        if self.seen > self.cap:
            raise _OutputLimit()
        return len(text)

    def flush(self):
        pass

    def text(self):
        return "".join(self.parts)


def _send(nonce, obj):
    os.write(_proto, (nonce + " " + json.dumps(obj, allow_nan=False) + "\n").encode())


def _build_list(values, pos=-1):
    head = tail = None
    nodes = []
    for v in values:
        node = _ListNode(v)
        nodes.append(node)
        if tail is None:
            head = node
        else:
            tail.next = node
        tail = node
    if tail is not None and pos is not None and 0 <= pos < len(nodes):
        tail.next = nodes[pos]
    return head


def _build_tree(values):
    if not values or values[0] is None:
        return None
    root = _TreeNode(values[0])
    queue, i, q = [root], 1, 0
    while q < len(queue) and i < len(values):
        node = queue[q]
        q += 1
        if i < len(values) and values[i] is not None:
            node.left = _TreeNode(values[i])
            queue.append(node.left)
        i += 1
        if i < len(values) and values[i] is not None:
            node.right = _TreeNode(values[i])
            queue.append(node.right)
        i += 1
    return root


def _list_out(node):
    out = []
    while node is not None:
        out.append(node.val)
        node = node.next
        if len(out) > _MAX_NODES:
            raise ValueError("the returned linked list has a cycle or more than 10^6 nodes")
    return out


def _tree_out(root):
    out, queue, q = [], [root], 0
    while q < len(queue):
        node = queue[q]
        q += 1
        if node is None:
            out.append(None)
            continue
        out.append(node.val)
        queue.append(node.left)
        queue.append(node.right)
        if len(queue) > 2 * _MAX_NODES:
            raise ValueError("the returned tree has a cycle or more than 10^6 nodes")
    while out and out[-1] is None:
        out.pop()
    return out


def _arg(ty, value):
    if ty == "ListNode":
        return _build_list(value)
    if ty == "TreeNode":
        return _build_tree(value)
    if ty.endswith("[]") and ty.startswith(("ListNode", "TreeNode")):
        return [_arg(ty[:-2], v) for v in value]
    return value


def _plain(value):
    """The result as JSON: nodes to lists, tuples to lists, floats kept."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"returned {value}, which JSON cannot hold")
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "next") and hasattr(value, "val"):
        return _list_out(value)
    if hasattr(value, "left") and hasattr(value, "right") and hasattr(value, "val"):
        return _tree_out(value)
    raise TypeError(f"returned a {type(value).__name__}, which is not a JSON value")


def _result(ty, value):
    if ty == "ListNode":
        return _list_out(value)
    if ty == "TreeNode":
        return _tree_out(value)
    if ty == "double" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return _plain(value)


def _peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# What the candidate's calls are timed with: the wall clock, or the thread's CPU time in
# bench mode.
_clock = time.perf_counter


def _call(spec, ns, case):
    """Run one case; returns (result, seconds inside the candidate's code)."""
    if spec["kind"] == "function":
        fn = ns[spec["name"]]
        pos = case.get(spec["cycle_pos"]) if spec.get("cycle_pos") else None
        args = []
        for name, ty in spec["params"]:
            if pos is not None and ty == "ListNode":
                args.append(_build_list(case[name], pos))
            else:
                args.append(_arg(ty, case[name]))
        start = _clock()
        value = fn(*args)
        spent = _clock() - start
        return _result(spec["returns"], value), spent
    cls = ns[spec["class"]]
    ops, argss = case["ops"], case["args"]
    spent = 0.0
    start = _clock()
    obj = cls(*[_arg(t, a) for (_, t), a in zip(spec["constructor"], argss[0])])
    spent += _clock() - start
    out = [None]
    for op, raw in zip(ops[1:], argss[1:]):
        method = spec["methods"][op]
        args = [_arg(t, a) for (_, t), a in zip(method["params"], raw)]
        fn = getattr(obj, method["name"])
        start = _clock()
        value = fn(*args)
        spent += _clock() - start
        out.append(None if method["returns"] == "void" else _result(method["returns"], value))
    return out, spent


def _trace(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "solution.py"]
    lines = [f'  line {f.lineno}, in {f.name}: {f.line}' for f in frames[-8:]]
    return "\n".join(lines + [f"{type(exc).__name__}: {exc}"])


def _watchdog(nonce, limit):
    """A case over its time limit: say so, and end the process (cases after it run in a
    fresh one)."""
    deadline = [None]
    lock = threading.Lock()

    def watch():
        while True:
            time.sleep(0.01)
            with lock:
                due = deadline[0]
            if due is not None and time.monotonic() > due:
                _send(nonce, {"error": "time_limit"})
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()

    def arm(on, until=None):
        with lock:
            deadline[0] = (until or time.monotonic() + limit) if on else None

    return arm


def main():
    header = json.loads(sys.stdin.readline())
    nonce, spec = header["nonce"], header["spec"]
    with open("solution.py", encoding="utf-8") as fh:
        source = fh.read()
    ns = {"__name__": "solution", "ListNode": ListNode, "TreeNode": TreeNode}
    try:
        code = compile(source, "solution.py", "exec")
    except SyntaxError as exc:
        _send(nonce, {"compile_error": f"solution.py:{exc.lineno}: {exc.msg}\n{(exc.text or '').rstrip()}"})
        return
    arm = _watchdog(nonce, header["time_limit_ms"] / 1000)
    capture = _Capture(header["keep_bytes"], header["output_bytes"])
    sys.stdout = capture
    try:
        arm(True)
        exec(code, ns)
        arm(False)
    except BaseException as exc:  # noqa: BLE001 - the candidate's top level failed
        sys.stdout = sys.stderr
        _send(nonce, {"load_error": _trace(exc), "stdout": capture.text()})
        return
    wanted = spec["name"] if spec["kind"] == "function" else spec["class"]
    if not callable(ns.get(wanted)):
        _send(nonce, {"missing": wanted})
        return
    if header.get("bench"):
        _bench(nonce, spec, ns, header["bench"], arm)
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        capture = _Capture(header["keep_bytes"], header["output_bytes"])
        sys.stdout = capture
        reply = {}
        try:
            arm(True)
            got, spent = _call(spec, ns, case)
            arm(False)
            reply = {"ok": got, "ms": spent * 1000}
        except _OutputLimit:
            arm(False)
            reply = {"error": "output_limit"}
        except MemoryError:
            arm(False)
            reply = {"error": "memory_limit"}
        except RecursionError as exc:
            arm(False)
            reply = {"error": "runtime", "message": _trace(exc)}
        except BaseException as exc:  # noqa: BLE001 - the candidate's code failed
            arm(False)
            reply = {"error": "runtime", "message": _trace(exc)}
        sys.stdout = sys.stderr
        reply["stdout"] = capture.text()
        reply["mem"] = _peak()
        try:
            _send(nonce, reply)
        except ValueError as exc:
            _send(nonce, {"error": "runtime", "message": str(exc), "stdout": capture.text()})


def _bench(nonce, spec, ns, bench, arm):
    """Bench mode: per line, the best mean time per call of `repeats` batches or more (while
    quick: up to 10, within a fiftieth of the budget), a batch being as many calls as spend a
    millisecond, each on fresh arguments, rotating among the line's inputs, until the budget
    is spent."""
    global _clock
    _clock = time.thread_time
    sys.stdout = _Capture(0, 1 << 62)
    budget = bench["budget_ms"] / 1000
    deadline = time.monotonic() + budget
    for line in sys.stdin:
        if not line.strip():
            continue
        if time.monotonic() > deadline:
            return
        parsed = json.loads(line)
        # Each input kept as text and parsed again per call: fresh arguments every time.
        texts = [json.dumps(c) for c in parsed] if isinstance(parsed, list) else [line]
        del parsed
        best = None
        started = time.monotonic()
        batch = turn = 0
        while batch < max(1, bench["repeats"]) or (batch < 10 and (time.monotonic() - started) * 50 < budget):
            batch += 1
            total, calls = 0.0, 0
            gc.collect()
            gc.disable()
            try:
                while total < 0.001 and calls < 100000:
                    case = json.loads(texts[turn % len(texts)])
                    turn += 1
                    arm(True, deadline)
                    _, spent = _call(spec, ns, case)
                    arm(False)
                    total += spent
                    calls += 1
            except BaseException as exc:  # noqa: BLE001 - the candidate's code failed
                arm(False)
                _send(nonce, {"error": "runtime", "message": _trace(exc)})
                return
            finally:
                gc.enable()
            mean = total / calls
            best = mean if best is None else min(best, mean)
            if total * 20 > budget:
                break  # a long call is its own repeat: the budget goes to more sizes
        _send(nonce, {"ms": best * 1000})


if __name__ == "__main__":
    sys.setrecursionlimit(20000)
    threading.stack_size(64 * 1024 * 1024)
    t = threading.Thread(target=main)
    t.start()
    t.join()
    sys.stdout = sys.stderr
