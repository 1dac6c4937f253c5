#!/usr/bin/env bash
# The end-to-end benchmark (DESIGN.md §4 "Durability"): one yibao-core on a temporary SQLite
# ledger (city preset, WAL fsynced before every answer), driven by one yibao-load binary in four phases:
#   1. --mix echo   --max          the no-work baseline (Admin.Echo)
#   2. --mix settle --max          durable 2207 on visits prepared beforehand
#   3. --mix visit  --max          whole visits (6 calls) and pharmacy sales (3 calls)
#   4. --mix settle --rate 0.7 × (2)   latency at 70 % of the measured maximum
# and prints throughputs, the Settle/Echo ratio and p50/p99 at 70 % (medians over REPEAT runs).
# Targets: Settle/Echo ≥ 0.5; ≥ 10,000 durable settlements/s; p99 ≤ 10 ms at 70 %.
# Usage: bench/load/e2e_bench.sh BUILD_DIR   (env: REPEAT=1 DURATION=10 SEED=7 FACILITIES=200
#        CHANNELS=4 PREPARE=40000 (visits prepared for settle --max), EXTRA="more yibao-load flags")
# Each phase's report ends with the core's view (Admin.GetStats: commit batches, commit time,
# server latency) and its busiest threads' time on a CPU and waiting for one (--core-pid):
# where the time goes when the figures fall short.
# Exit: 0 when every phase completed (targets are reported, not enforced), else non-zero.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/core_lib.sh"

build=${1:?usage: e2e_bench.sh BUILD_DIR}
build=$(cd "$build" && pwd)
repeat=${REPEAT:-1}
duration=${DURATION:-10}
seed=${SEED:-7}
facilities=${FACILITIES:-200}
channels=${CHANNELS:-4}
load="$build/bench/load/yibao-load"
[ -x "$load" ] || { echo "no $load: build yibao-load first" >&2; exit 2; }
trap cleanup_core EXIT

start_core "$build" city "$seed"
echo "yibao-core pid $CORE_PID on 127.0.0.1:$CORE_PORT, ledger $CORE_DIR/ledger.db; machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
common=(--core "127.0.0.1:$CORE_PORT" --population city --seed "$seed" --admin-token "$CORE_DIR/ledger.db.admin-token"
        --facilities "$facilities" --channels "$channels" --duration "$duration" --core-pid "$CORE_PID"
        --progress 0 ${EXTRA:-})

# phase NAME ARGS...: runs yibao-load, shows its report, leaves its RESULT line in $result.
phase() {
  local name=$1
  shift
  echo
  echo "==== $name: yibao-load ${*} ===="
  local out
  out=$("$load" "${common[@]}" "$@" 2>&1) || { echo "$out"; echo "phase '$name' failed" >&2; exit 1; }
  echo "$out"
  echo "  (load average after the phase: $(cut -d' ' -f1-3 /proc/loadavg))"
  result=$(printf '%s\n' "$out" | grep '^RESULT ' | tail -1)
  [ -n "$result" ] || { echo "phase '$name' printed no RESULT line" >&2; exit 1; }
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

echo_tp=() settle_tp=() visit_tp=() ratio=() p50=() p99=() rate70=() acked70=()
for r in $(seq 1 "$repeat"); do
  phase "echo --max (run $r)" --mix echo --max
  echo_tp+=("$(result_field "$result" throughput)")
  phase "settle --max (run $r)" --mix settle --max --prepare "${PREPARE:-40000}" --load-seed "$r"
  settle_tp+=("$(result_field "$result" throughput)")
  phase "visit --max (run $r)" --mix visit --max --load-seed "$((100 + r))"
  visit_tp+=("$(result_field "$result" throughput)")
  rate=$(awk -v t="${settle_tp[-1]}" 'BEGIN {printf "%.0f", 0.7 * t}')
  rate70+=("$rate")
  phase "settle --rate $rate = 70 % of max (run $r)" --mix settle --rate "$rate" --load-seed "$((200 + r))"
  p50+=("$(result_field "$result" p50_ms)")
  p99+=("$(result_field "$result" p99_ms)")
  acked70+=("$(result_field "$result" throughput)")
  ratio+=("$(awk -v s="${settle_tp[-1]}" -v e="${echo_tp[-1]}" 'BEGIN {printf "%.3f", s / e}')")
done

stop_rc=0
stop_core || stop_rc=$?

m() { printf '%s\n' "$@" | median; }
echo
echo "==== end-to-end benchmark: city preset, SQLite WAL fsynced before every answer, $duration s per phase, $repeat run(s), medians ===="
printf '  echo --max              %10.1f echoes/s       (runs: %s)\n' "$(m "${echo_tp[@]}")" "${echo_tp[*]}"
printf '  settle --max (2207)     %10.1f settlements/s  (runs: %s)\n' "$(m "${settle_tp[@]}")" "${settle_tp[*]}"
printf '  visit --max             %10.1f visits+sales/s (runs: %s)\n' "$(m "${visit_tp[@]}")" "${visit_tp[*]}"
printf '  Settle/Echo             %10.3f                (target >= 0.5; runs: %s)\n' "$(m "${ratio[@]}")" "${ratio[*]}"
printf '  settle at 70 %%: rate %s/s, acknowledged %s/s, p50 %s ms, p99 %s ms (target p99 <= 10 ms)\n' \
  "$(m "${rate70[@]}")" "$(m "${acked70[@]}")" "$(m "${p50[@]}")" "$(m "${p99[@]}")"
echo "  yibao-core stopped with exit code $stop_rc"
[ "$stop_rc" -eq 0 ]
