#!/usr/bin/env python3
"""Validate the problem bank and run every reference solution against it.

Usage (from the repository root):

    python3 problems/check_reference.py

For every ``problems/*.toml`` file this script

* checks the schema strictly (see README.md in this folder),
* imports ``problems/reference/{id}.py`` and calls ``solve(**input)`` on every
  example and every test,
* compares the result with the expected output under the problem's
  ``compare`` mode.

It prints one line per failure (file name plus case label), then a final line
``N passed, M failed`` where N and M count checked cases. Bank-level problems
(too few problems, a topic with too few problems, an unreadable file, ...) are
printed as failures too. The exit status is 0 only when nothing failed.

Python 3.11+ standard library only.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import math
import re
import signal
import sys
import tomllib
from pathlib import Path

PROBLEMS_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PROBLEMS_DIR / "reference"

TOPICS = (
    "arrays",
    "strings",
    "hashing",
    "two-pointers",
    "stacks",
    "linked-lists",
    "trees",
    "graphs",
    "dynamic-programming",
    "intervals",
    "heaps",
    "design",
)
DIFFICULTIES = ("easy", "medium", "hard")
COMPARE_MODES = ("exact", "unordered", "unordered_nested", "float")

MIN_PROBLEMS = 40
MIN_PER_TOPIC = 2
MIN_HINTS = 3
MIN_TESTS = 5
MIN_EXAMPLES = 1
FLOAT_TOLERANCE = 1e-6
CASE_TIMEOUT_SECONDS = 10  # a reference solution taking longer than this on one case fails

TYPE_RE = re.compile(r"^(int|long|double|bool|string|ListNode|TreeNode)(\[\]){0,2}$")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FUNCTION_RE = re.compile(r"^[a-z_][a-z0-9_]*$")

# key -> (expected python type(s) after tomllib parsing, human readable name)
TOP_LEVEL_KEYS = {
    "id": (str, "string"),
    "version": (int, "integer"),
    "title": (str, "string"),
    "difficulty": (str, "string"),
    "topics": (list, "array of strings"),
    "statement": (str, "string"),
    "constraints": (list, "array of strings"),
    "hints": (list, "array of strings"),
    "function": (str, "string"),
    "compare": (str, "string"),
    "signature": (dict, "table"),
    "examples": (list, "array of tables"),
    "tests": (list, "array of tables"),
}
EXAMPLE_REQUIRED = ("input", "output")
EXAMPLE_OPTIONAL = ("explanation",)
TEST_REQUIRED = ("input", "output")
TEST_OPTIONAL: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------

def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def exact_equal(a: object, b: object) -> bool:
    """JSON equality that keeps booleans apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(exact_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(exact_equal(a[k], b[k]) for k in a)
    if a is None or b is None:
        return a is None and b is None
    return type(a) is type(b) and a == b


def float_equal(a: object, b: object) -> bool:
    """Like exact_equal, but numbers may differ by FLOAT_TOLERANCE
    (absolute, or relative for magnitudes above 1)."""
    if _is_number(a) and _is_number(b):
        if math.isnan(a) or math.isnan(b):
            return False
        return abs(a - b) <= FLOAT_TOLERANCE * max(1.0, abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(float_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(float_equal(a[k], b[k]) for k in a)
    return exact_equal(a, b)


def _canon(x: object) -> str:
    """A canonical text for a JSON value, used as a sort key. Booleans and
    numbers stay apart because json.dumps writes them differently; integral
    floats are normalised so that 2 and 2.0 agree (as exact_equal does)."""

    def norm(v: object) -> object:
        if isinstance(v, float) and not isinstance(v, bool) and v.is_integer():
            return int(v)
        if isinstance(v, list):
            return [norm(i) for i in v]
        if isinstance(v, dict):
            return {k: norm(i) for k, i in v.items()}
        return v

    return json.dumps(norm(x), sort_keys=True, separators=(",", ":"))


def unordered_equal(a: object, b: object, nested: bool) -> bool:
    if not (isinstance(a, list) and isinstance(b, list)):
        return False
    if len(a) != len(b):
        return False

    def key(item: object) -> str:
        if nested:
            if not isinstance(item, list):
                return "!" + _canon(item)
            return _canon(sorted(_canon(i) for i in item))
        return _canon(item)

    if nested and not all(isinstance(i, list) for i in a + b):
        return False
    return sorted(key(i) for i in a) == sorted(key(i) for i in b)


def compare(mode: str, got: object, expected: object) -> bool:
    if mode == "exact":
        return exact_equal(got, expected)
    if mode == "float":
        return float_equal(got, expected)
    if mode == "unordered":
        return unordered_equal(got, expected, nested=False)
    if mode == "unordered_nested":
        return unordered_equal(got, expected, nested=True)
    raise ValueError(f"unknown compare mode {mode!r}")


# --------------------------------------------------------------------------
# schema validation
# --------------------------------------------------------------------------

def _check_string_list(name: str, value: object, errors: list[str], min_len: int = 0) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"`{name}` must be an array of strings")
        return
    if len(value) < min_len:
        errors.append(f"`{name}` needs at least {min_len} entries, has {len(value)}")
    if any(not v.strip() for v in value):
        errors.append(f"`{name}` has an empty entry")


def _check_cases(kind: str, cases: object, required: tuple[str, ...], optional: tuple[str, ...],
                 minimum: int, errors: list[str]) -> list[tuple[str, dict, object]]:
    """Validate an array of example/test tables; return (label, input, output)."""
    parsed: list[tuple[str, dict, object]] = []
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        errors.append(f"`{kind}` must be an array of tables")
        return parsed
    if len(cases) < minimum:
        errors.append(f"`{kind}` needs at least {minimum} entries, has {len(cases)}")
    for i, case in enumerate(cases):
        label = f"{kind}[{i}]"
        ok = True
        for key in required:
            if key not in case:
                errors.append(f"{label}: missing key `{key}`")
                ok = False
        for key in case:
            if key not in required and key not in optional:
                errors.append(f"{label}: unknown key `{key}`")
                ok = False
        for key in required + optional:
            if key in case and not isinstance(case[key], str):
                errors.append(f"{label}: `{key}` must be a string")
                ok = False
        if not ok:
            continue
        try:
            inp = json.loads(case["input"])
        except json.JSONDecodeError as exc:
            errors.append(f"{label}: input is not valid JSON ({exc})")
            continue
        try:
            out = json.loads(case["output"])
        except json.JSONDecodeError as exc:
            errors.append(f"{label}: output is not valid JSON ({exc})")
            continue
        if not isinstance(inp, dict):
            errors.append(f"{label}: input must be a JSON object of named arguments")
            continue
        parsed.append((label, inp, out))
    return parsed


def _check_type(where: str, text: object, errors: list[str], returns: bool = False) -> None:
    if returns and text == "void":
        return
    if not isinstance(text, str) or not TYPE_RE.match(text):
        errors.append(f"{where}: unknown type {text!r} (int, long, double, bool, string, ListNode, "
                      f"TreeNode, each optionally with [] or [][]{', or void' if returns else ''})")


def _check_params(where: str, params: object, errors: list[str]) -> list[str]:
    """Validate [[name, type], ...]; return the names."""
    if not isinstance(params, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in params):
        errors.append(f"{where}: must be a list of [name, type] pairs")
        return []
    for name, typ in params:
        if not FUNCTION_RE.match(name):
            errors.append(f"{where}: parameter {name!r} is not snake_case")
        _check_type(f"{where} {name}", typ, errors)
    names = [n for n, _ in params]
    if len(set(names)) != len(names):
        errors.append(f"{where}: duplicate parameter name")
    return names


def check_signature(sig: dict, cases: list[tuple[str, dict, object]], errors: list[str]) -> None:
    """The typed signature the Java and C++ harnesses need: a function's parameters (named
    as the input keys) and return type, or a design problem's class, constructor and methods
    (named as the ops)."""
    design = "class" in sig
    allowed = {"class", "constructor", "methods"} if design else {"params", "returns", "cycle_pos"}
    required = {"class", "constructor", "methods"} if design else {"params", "returns"}
    for key in sig:
        if key not in allowed:
            errors.append(f"signature: unknown key `{key}`")
    for key in required - set(sig):
        errors.append(f"signature: missing key `{key}`")
    if errors:
        return
    if not design:
        names = _check_params("signature.params", sig["params"], errors)
        _check_type("signature.returns", sig["returns"], errors, returns=True)
        keys = set(names)
        cycle = sig.get("cycle_pos")
        if cycle is not None:
            lists = [t for _, t in sig["params"] if t == "ListNode"]
            if not isinstance(cycle, str) or len(lists) != 1:
                errors.append("signature.cycle_pos: must name an input key, with exactly one ListNode parameter")
            keys.add(cycle)
        for label, inp, _ in cases:
            if set(inp) != keys:
                errors.append(f"{label}: input keys {sorted(inp)} differ from the signature's {sorted(keys)}")
        return
    if not isinstance(sig["class"], str) or not re.match(r"^[A-Z][A-Za-z0-9]*$", sig["class"]):
        errors.append("signature.class: must be a CamelCase class name")
    ctor = _check_params("signature.constructor", sig["constructor"], errors)
    methods = sig["methods"]
    arity: dict[str, int] = {}
    if not isinstance(methods, list) or not all(isinstance(m, dict) for m in methods):
        errors.append("signature.methods: must be a list of tables")
        return
    for m in methods:
        if set(m) != {"name", "params", "returns"}:
            errors.append(f"signature.methods: {m!r} needs exactly name, params, returns")
            continue
        if not isinstance(m["name"], str) or not FUNCTION_RE.match(m["name"]):
            errors.append(f"signature.methods: name {m['name']!r} is not snake_case")
            continue
        arity[m["name"]] = len(_check_params(f"signature.methods.{m['name']}", m["params"], errors))
        _check_type(f"signature.methods.{m['name']}.returns", m["returns"], errors, returns=True)
    for label, inp, _ in cases:
        if set(inp) != {"ops", "args"} or len(inp["ops"]) != len(inp["args"]):
            continue  # reported by the ops/args check
        if inp["ops"][:1] != [sig["class"]]:
            errors.append(f"{label}: ops[0] must be the class {sig['class']!r}")
        elif len(inp["args"][0]) != len(ctor):
            errors.append(f"{label}: the constructor takes {len(ctor)} argument(s)")
        for op, args in zip(inp["ops"][1:], inp["args"][1:]):
            if op not in arity:
                errors.append(f"{label}: op {op!r} is not a method of the signature")
            elif len(args) != arity[op]:
                errors.append(f"{label}: {op} takes {arity[op]} argument(s), got {len(args)}")


def validate(path: Path, data: dict) -> tuple[list[str], list[tuple[str, dict, object]]]:
    errors: list[str] = []
    for key, (typ, desc) in TOP_LEVEL_KEYS.items():
        if key not in data:
            errors.append(f"missing key `{key}`")
        elif not isinstance(data[key], typ) or isinstance(data[key], bool):
            errors.append(f"`{key}` must be a {desc}")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            errors.append(f"unknown key `{key}`")
    if errors:
        return errors, []

    if data["id"] != path.stem:
        errors.append(f"id {data['id']!r} does not match file stem {path.stem!r}")
    if not ID_RE.match(data["id"]):
        errors.append(f"id {data['id']!r} is not kebab-case")
    if data["version"] < 1:
        errors.append("`version` must be >= 1")
    if not data["title"].strip():
        errors.append("`title` is empty")
    if data["difficulty"] not in DIFFICULTIES:
        errors.append(f"difficulty {data['difficulty']!r} not in {DIFFICULTIES}")
    _check_string_list("topics", data["topics"], errors, min_len=1)
    if isinstance(data["topics"], list):
        for t in data["topics"]:
            if t not in TOPICS:
                errors.append(f"unknown topic {t!r}")
        if len(set(data["topics"])) != len(data["topics"]):
            errors.append("duplicate topic")
    if not data["statement"].strip():
        errors.append("`statement` is empty")
    _check_string_list("constraints", data["constraints"], errors)
    _check_string_list("hints", data["hints"], errors, min_len=MIN_HINTS)
    if not FUNCTION_RE.match(data["function"]):
        errors.append(f"function {data['function']!r} is not snake_case")
    if data["compare"] not in COMPARE_MODES:
        errors.append(f"compare {data['compare']!r} not in {COMPARE_MODES}")

    cases = _check_cases("examples", data["examples"], EXAMPLE_REQUIRED, EXAMPLE_OPTIONAL,
                         MIN_EXAMPLES, errors)
    cases += _check_cases("tests", data["tests"], TEST_REQUIRED, TEST_OPTIONAL,
                          MIN_TESTS, errors)

    # every case of one problem must name the same arguments
    keysets = {tuple(sorted(inp)) for _, inp, _ in cases}
    if len(keysets) > 1:
        errors.append(f"cases disagree on argument names: {sorted(keysets)}")
    # design problems: ops/args must line up
    for label, inp, out in cases:
        if set(inp) == {"ops", "args"}:
            ops, args = inp["ops"], inp["args"]
            if not (isinstance(ops, list) and isinstance(args, list) and len(ops) == len(args)):
                errors.append(f"{label}: `ops` and `args` must be lists of equal length")
            elif not (isinstance(out, list) and len(out) == len(ops)):
                errors.append(f"{label}: output must have one entry per op")
    if not errors:
        check_signature(data["signature"], cases, errors)
    return errors, cases


# --------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------

def load_reference(problem_id: str):
    # The solutions share their tree and list helpers (`_trees.py`, `_lists.py`).
    if str(REFERENCE_DIR) not in sys.path:
        sys.path.insert(0, str(REFERENCE_DIR))
    path = REFERENCE_DIR / f"{problem_id}.py"
    if not path.is_file():
        raise FileNotFoundError(f"no reference solution at {path.relative_to(PROBLEMS_DIR.parent)}")
    spec = importlib.util.spec_from_file_location(f"reference_{problem_id.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "solve", None)):
        raise AttributeError(f"{path.name} does not define solve()")
    return module


class CaseTimeout(Exception):
    pass


def _on_alarm(signum, frame):  # noqa: ARG001
    raise CaseTimeout(f"took longer than {CASE_TIMEOUT_SECONDS}s")


def run_case(module, inp: dict) -> object:
    """Call solve(**inp) on a deep copy, with a time limit where the OS supports it."""
    use_alarm = hasattr(signal, "SIGALRM")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(CASE_TIMEOUT_SECONDS)
    try:
        return module.solve(**copy.deepcopy(inp))
    finally:
        if use_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)


def _short(value: object, limit: int = 160) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main() -> int:
    sys.setrecursionlimit(100_000)
    sys.dont_write_bytecode = True  # keep reference/ free of __pycache__
    passed = 0
    failed = 0
    bank_errors: list[str] = []
    topic_count = {t: 0 for t in TOPICS}

    files = sorted(PROBLEMS_DIR.glob("*.toml"))
    problems_ok = 0
    for path in files:
        name = path.name
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            print(f"FAIL {name}: cannot parse TOML: {exc}")
            failed += 1
            continue

        errors, cases = validate(path, data)
        if errors:
            for err in errors:
                print(f"FAIL {name}: {err}")
            failed += 1
            continue
        problems_ok += 1
        for t in data["topics"]:
            topic_count[t] += 1

        try:
            module = load_reference(data["id"])
        except Exception as exc:  # noqa: BLE001 - report anything
            print(f"FAIL {name}: {exc}")
            failed += len(cases)
            continue

        mode = data["compare"]
        for label, inp, expected in cases:
            try:
                got = run_case(module, inp)
                got = json.loads(json.dumps(got))  # must be JSON-serialisable; tuples -> lists
            except Exception as exc:  # noqa: BLE001
                print(f"FAIL {name} {label}: {type(exc).__name__}: {exc}")
                failed += 1
                continue
            if compare(mode, got, expected):
                passed += 1
            else:
                print(f"FAIL {name} {label}: expected {_short(expected)}, got {_short(got)}")
                failed += 1

    if problems_ok < MIN_PROBLEMS:
        bank_errors.append(f"only {problems_ok} valid problems, need at least {MIN_PROBLEMS}")
    for topic, count in topic_count.items():
        if count < MIN_PER_TOPIC:
            bank_errors.append(f"topic {topic!r} has {count} problems, need at least {MIN_PER_TOPIC}")
    for err in bank_errors:
        print(f"FAIL bank: {err}")
        failed += 1

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
