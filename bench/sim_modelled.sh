#!/usr/bin/env bash
# The modelled simulator's speed (issue 6, "Benchmarks"): runs `yibao-sim run` on scenarios under
# /usr/bin/time -v and prints, per run, the wall time, peak RSS, platform build time
# (result.json topology.wall_build_s) apart from the engine's run (wall_run_s), and simulated
# messages per wall second of the run, next to a plain SimGrid ping-pong (bench/sim_bench.cc)
# with the same number of actors (one shared link, and --star: a private link per actor),
# measured in the same invocation, right after each run.
#
#   messages = 2 × core_model.served: every call to the core is one SimGrid communication there
#   and one back (sign-ins, warm-up and drain included, like wall_run_s). counts.sent in
#   result.json counts the calls after the warm-up only.
#   ratio    = messages/s ÷ one-link ping-pong messages/s (target ≥ 0.5); ratio_star against
#   the star ping-pong.
# Targets (issue 6): ratio ≥ 0.5, province peak hour ≤ 60 s, province day ≤ 10 min, ≤ 4 GiB.
# They are reported, not enforced.
#
# Usage: bench/sim_modelled.sh [BUILD_DIR] [SCENARIO...]
#   BUILD_DIR defaults to build (needs sim/yibao-sim and bench/sim_bench);
#   scenarios default to scenarios/county-day.yaml scenarios/province-monday-peak.yaml.
#   REPEAT=3 runs each scenario three times (the table shows every run; take the median).
#   PP_MESSAGES=400000 sets the ping-pong's length (messages).
#   OUT=/var/tmp/simbench keeps the run directories (default: a temporary directory).
# Output: one line per run, starting "RESULT".
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
shift || true
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  scenarios=("$here/scenarios/county-day.yaml" "$here/scenarios/province-monday-peak.yaml")
fi
sim="$build/sim/yibao-sim"
pingpong="$build/bench/sim_bench"
for b in "$sim" "$pingpong"; do
  [ -x "$b" ] || { echo "sim_modelled.sh: $b not built (ninja -C $build yibao-sim sim_bench)" >&2; exit 1; }
done
repeat="${REPEAT:-1}"
PP_MESSAGES="${PP_MESSAGES:-400000}"
out="${OUT:-$(mktemp -d /tmp/sim_modelled.XXXXXX)}"
mkdir -p "$out"
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), runs in $out"

for scen in "${scenarios[@]}"; do
  name="$(basename "$scen" .yaml)"
  for i in $(seq 1 "$repeat"); do
    dir="$out/$name-$i"
    mkdir -p "$dir"
    set +e
    /usr/bin/time -v "$sim" run "$scen" --out "$dir" --quiet >"$dir/stdout" 2>"$dir/time.txt"
    rc=$?
    set -e
    if [ ! -f "$dir/result.json" ]; then
      echo "RESULT scenario=$name run=$i error=exit_$rc (see $dir/time.txt)"
      continue
    fi
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(k=1;k<=n;k++) s=s*60+a[k]; print s}' "$dir/time.txt")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
    read -r actors served build_s run_s settle < <(python3 - "$dir/result.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
t = r.get("topology", {})
cm = r.get("core_model", {})
actors = t.get("site_actors", 0) + cm.get("cores", 0)
print(actors, cm.get("served", 0), t.get("wall_build_s", 0), r.get("wall_run_s", 0), r["counts"].get("settlements", 0))
EOF
)
    n=$(( actors < 2 ? 2 : actors + actors % 2 ))
    rate_of() { awk '/^RESULT/ {for(k=1;k<=NF;k++) if ($k ~ /^msgs_per_s=/) {split($k,a,"="); print a[2]}}'; }
    pp=$("$pingpong" --actors "$n" --messages "$PP_MESSAGES" | rate_of)
    pps=$("$pingpong" --actors "$n" --messages "$PP_MESSAGES" --star | rate_of)
    python3 - "$name" "$i" "$rc" "$wall" "$rss_kb" "$actors" "$served" "$build_s" "$run_s" "$settle" "$n" "$pp" "$pps" <<'EOF'
import sys
name, i, rc, wall, rss, actors, served, build_s, run_s, settle, n, pp, pps = sys.argv[1:]
msgs = 2 * int(served)
rate = msgs / float(run_s) if float(run_s) > 0 else 0
pp = float(pp or 0)
pps = float(pps or 0)
print(f"RESULT scenario={name} run={i} exit={rc} wall_s={float(wall):.1f} peak_rss_mib={int(rss)/1024:.0f} "
      f"platform_build_s={float(build_s):.1f} engine_run_s={float(run_s):.1f} actors={actors} messages={msgs} "
      f"msgs_per_s={rate:.0f} settlements={settle} pingpong_actors={n} pingpong_msgs_per_s={pp:.0f} "
      f"ratio={rate / pp if pp else 0:.2f} pingpong_star_msgs_per_s={pps:.0f} ratio_star={rate / pps if pps else 0:.2f}")
EOF
  done
done
