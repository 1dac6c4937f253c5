#!/usr/bin/env bash
# The main job (README): yibao-core on a temporary SQLite ledger with the city population, driven
# for ~30 s by yibao-load with whole visits (--mix visit) at a rate this 2-core machine sustains
# comfortably; prints throughput and latency percentiles, stops the core with SIGTERM (expects
# exit 0) and removes the temporary directory.
# Usage: bench/load/main_job.sh BUILD_DIR   (env: RATE=100 visits+sales/s (≈500 calls/s), DURATION=30, SEED=7)
# Exit: non-zero if the core did not start or stop cleanly, yibao-load failed, or any unit failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/core_lib.sh"

build=${1:?usage: main_job.sh BUILD_DIR}
build=$(cd "$build" && pwd)
rate=${RATE:-100}
duration=${DURATION:-30}
seed=${SEED:-7}
load="$build/bench/load/yibao-load"
[ -x "$load" ] || { echo "no $load: build yibao-load first" >&2; exit 2; }
trap cleanup_core EXIT

start_core "$build" city "$seed"
echo "yibao-core on 127.0.0.1:$CORE_PORT (pid $CORE_PID), ledger $CORE_DIR/ledger.db"
rc=0
out=$("$load" --core "127.0.0.1:$CORE_PORT" --population city --seed "$seed" \
  --admin-token "$CORE_DIR/ledger.db.admin-token" --mix visit --rate "$rate" --duration "$duration" 2>&1) || rc=$?
echo "$out"
stop_rc=0
stop_core || stop_rc=$?
echo "yibao-core stopped with exit code $stop_rc"

status=0
if [ "$rc" -ne 0 ]; then echo "FAIL: yibao-load exited with $rc" >&2; status=1; fi
result=$(printf '%s\n' "$out" | grep '^RESULT ' | tail -1 || true)
if [ -z "$result" ]; then
  echo "FAIL: yibao-load printed no RESULT line" >&2
  status=1
else
  failed=$(result_field "$result" failed)
  acked=$(result_field "$result" acked)
  if [ "$failed" != "0" ]; then echo "FAIL: $failed visits or sales failed" >&2; status=1; fi
  if [ "${acked:-0}" = "0" ]; then echo "FAIL: nothing was acknowledged" >&2; status=1; fi
fi
if [ "$stop_rc" -ne 0 ]; then echo "FAIL: yibao-core exited with $stop_rc after SIGTERM" >&2; status=1; fi
[ "$status" -eq 0 ] && echo "main job OK: $result"
exit $status
