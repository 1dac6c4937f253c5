# Shared shell helpers of bench/load/*.sh: start yibao-core on a temporary SQLite ledger and
# stop it. Sourced, not run. Sets CORE_PID, CORE_PORT, CORE_DIR.

# start_core BUILD_DIR PRESET SEED: starts the core on 127.0.0.1 (a port it picks) with a fresh
# ledger in a new temporary directory; waits ≤ 60 s for its "listening on" line.
start_core() {
  local build=$1 preset=$2 seed=$3
  CORE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/yibao-bench-XXXXXX")
  "$build/grpc/core/yibao-core" --listen 127.0.0.1:0 --ledger "$CORE_DIR/ledger.db" \
    --population "$preset" --seed "$seed" >"$CORE_DIR/core.log" 2>&1 &
  CORE_PID=$!
  local i
  for i in $(seq 1 600); do
    CORE_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$CORE_DIR/core.log" | head -1)
    if [ -n "$CORE_PORT" ]; then return 0; fi
    if ! kill -0 "$CORE_PID" 2>/dev/null; then
      echo "yibao-core did not start:" >&2
      cat "$CORE_DIR/core.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "yibao-core did not say where it listens within 60 s" >&2
  return 1
}

# stop_core: SIGTERM, wait ≤ 30 s; returns the core's exit code (124 on timeout, then SIGKILL).
stop_core() {
  [ -n "${CORE_PID:-}" ] || return 0
  kill -TERM "$CORE_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 300); do
    if ! kill -0 "$CORE_PID" 2>/dev/null; then
      local rc=0
      wait "$CORE_PID" || rc=$?
      CORE_PID=
      return $rc
    fi
    sleep 0.1
  done
  kill -KILL "$CORE_PID" 2>/dev/null || true
  wait "$CORE_PID" 2>/dev/null || true
  CORE_PID=
  return 124
}

# cleanup_core: for an EXIT trap — kill a core still running, remove the temporary directory.
cleanup_core() {
  if [ -n "${CORE_PID:-}" ]; then
    kill -KILL "$CORE_PID" 2>/dev/null || true
    wait "$CORE_PID" 2>/dev/null || true
  fi
  [ -n "${CORE_DIR:-}" ] && rm -rf "$CORE_DIR"
}

# result_field LINE KEY: the value of KEY=... in a yibao-load RESULT line.
result_field() {
  printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

