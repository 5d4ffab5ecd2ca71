#!/usr/bin/env bash
# What replication costs a publisher (issue #17): one cluster of 1 nsqlookupd + 3 nsqd on loopback,
# three topics placed with replication_factor 1, 2 and 3, and for each, interleaved (1 2 3 1 2 3 ...):
#   - throughput: a bench_writer against the topic's leader (NSQ's Go tool by default: MPUB of
#     BENCH_BATCH messages of BENCH_SIZE bytes over 2 connections, RUNFOR long);
#   - latency: bench/rtt.py, one PUB at a time on one connection, p50 and p99 of RTT_COUNT round trips;
#   - the CPU seconds of all three nsqd during the writer run (replication spends CPU on followers too).
# Prints one line per run, then median [min-max] per factor and the ratio to factor 1.
#   bench/replication.sh                      # ROUNDS=3 RUNFOR=10s RTT_COUNT=5000
#   BENCH_WRITER=bin/bench_writer bench/replication.sh   # our Java writer instead
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
ROUNDS="${ROUNDS:-3}" RUNFOR="${RUNFOR:-10s}" RTT_COUNT="${RTT_COUNT:-5000}"
BENCH_SIZE="${BENCH_SIZE:-200}" BENCH_BATCH="${BENCH_BATCH:-200}"
writer="${BENCH_WRITER:-/usr/local/bin/ref-bench_writer}"
[ -x "$writer" ] || writer="$here/bin/bench_writer"
[ -f nsqd/target/lib/vertx-core-5.0.7.jar ] || mvn -B -q -DskipTests package
base="${BENCH_PORT:-24000}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

members="127.0.0.1:$((base + 701)),127.0.0.1:$((base + 702)),127.0.0.1:$((base + 703)),127.0.0.1:$((base + 704))"
bin/nsqlookupd --tcp-address=127.0.0.1:$((base + 160)) --http-address=127.0.0.1:$((base + 161)) \
  --broadcast-address=127.0.0.1 --cluster-members="$members" --cluster-port=$((base + 701)) > "$work/lookupd.log" 2>&1 &
pids+=($!)
declare -A nsqd_pid
for i in 1 2 3; do
  tcp=$((base + 100 * i + 50))
  mkdir -p "$work/data$i"
  bin/nsqd --node-id=$i --tcp-address=127.0.0.1:$tcp --http-address=127.0.0.1:$((tcp + 1)) --broadcast-address=127.0.0.1 \
    --data-path="$work/data$i" --cluster-members="$members" --cluster-port=$((base + 701 + i)) \
    --lookupd-tcp-address=127.0.0.1:$((base + 160)) > "$work/nsqd$i.log" 2>&1 &
  pids+=($!)
  nsqd_pid[$i]=$!
done
for _ in $(seq 1 120); do
  up=0
  for i in 1 2 3; do curl -sf "127.0.0.1:$((base + 100 * i + 51))/ping" > /dev/null && up=$((up + 1)); done
  [ "$up" = 3 ] && break
  sleep 1
done
[ "$up" = 3 ] || { echo "the cluster did not start; logs in $work" >&2; tail -5 "$work"/*.log >&2; exit 1; }

leader_of() { # the leader's TCP address of a replicated topic, or node 1 for an unreplicated one
  curl -s "127.0.0.1:$((base + 151))/stats?format=json&topic=$1" | python3 -c '
import json, sys
t = (json.load(sys.stdin).get("topics") or [{}])[0]
print((t.get("replication") or {}).get("leader", sys.argv[1]))' "127.0.0.1:$((base + 150))"
}
cpu_ticks() { # user + system ticks of the three nsqd
  local sum=0 i
  for i in 1 2 3; do
    sum=$((sum + $(awk '{print $14 + $15}' "/proc/${nsqd_pid[$i]}/stat"))) # bin/ launchers exec java
  done
  echo "$sum"
}
for n in 1 2 3; do
  curl -sf -X POST "127.0.0.1:$((base + 151))/topic/create?topic=rep$n&replication_factor=$n" > /dev/null
done
sleep 2
declare -A leader
for n in 1 2 3; do leader[$n]=$(leader_of "rep$n"); echo "topic rep$n (factor $n) led by ${leader[$n]}"; done

results="$work/results"
hz=$(getconf CLK_TCK)
for r in $(seq 1 "$ROUNDS"); do
  for n in 1 2 3; do
    c0=$(cpu_ticks)
    out=$("$writer" --nsqd-tcp-address="${leader[$n]}" --topic="rep$n" --runfor="$RUNFOR" --size="$BENCH_SIZE" --batch-size="$BENCH_BATCH" 2>&1 | grep -E "ops/s|msg/s" | tail -1)
    c1=$(cpu_ticks)
    msgs=$(echo "$out" | grep -oE "[0-9.]+ ?ops/s" | grep -oE "[0-9.]+")
    rtt=$(python3 bench/rtt.py "${leader[$n]}" "$RTT_COUNT" "rep$n")
    p50=$(echo "$rtt" | sed -n 's/.*p50 \([0-9.]*\)us.*/\1/p')
    p99=$(echo "$rtt" | sed -n 's/.*p99 \([0-9.]*\)us.*/\1/p')
    cpu=$(python3 -c "print('%.2f' % (($c1 - $c0) / $hz))")
    echo "round $r factor $n: $out | cpu ${cpu}s | rtt p50 ${p50}us p99 ${p99}us"
    echo "$n $msgs $cpu $p50 $p99" >> "$results"
  done
done
python3 - "$results" "$RUNFOR" <<'EOF'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
secs = float(sys.argv[2].rstrip("s"))
def col(n, i): return [float(r[i]) for r in rows if r[0] == str(n)]
def fmt(v, f="%.0f"): return (f + " [" + f + "-" + f + "]") % (statistics.median(v), min(v), max(v))
base = {}
print("\n| factor | writer msgs/s | CPU-s per 1M msgs (3 nsqd) | PUB RTT p50 us | PUB RTT p99 us | msgs/s vs factor 1 | p99 vs factor 1 |")
print("|---|---|---|---|---|---|---|")
for n in (1, 2, 3):
    ops = col(n, 1)
    cpu = [c / (o * secs) * 1e6 for c, o in zip(col(n, 2), ops)]
    p50, p99 = col(n, 3), col(n, 4)
    if n == 1: base = {"ops": statistics.median(ops), "p99": statistics.median(p99)}
    print("| %d | %s | %s | %s | %s | %.2fx | %.2fx |" % (n, fmt(ops), fmt(cpu, "%.2f"), fmt(p50), fmt(p99),
          statistics.median(ops) / base["ops"], statistics.median(p99) / base["p99"]))
EOF
