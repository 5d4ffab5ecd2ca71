#!/usr/bin/env bash
# Our nsqd measured the way docs/nsq-reference-figures.md measured NSQ 1.3.0: loopback, bench_writer then
# bench_reader (2 connections each, 10 s runs), one line per figure. Builds what is missing.
#   bench/run.sh            # every figure
#   RUNFOR=5s bench/run.sh  # shorter runs
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
runfor="${RUNFOR:-10s}"
tcp=127.0.0.1:${BENCH_TCP_PORT:-14150}
http=127.0.0.1:${BENCH_HTTP_PORT:-14151}
. bin/lib/launch.sh # nsq_jar
if [ ! -f "$(nsq_jar nsqd)" ] || [ ! -f "$(nsq_jar tools)" ]; then
  mvn -B -q -DskipTests package
fi

nsqd_pid=""
start_nsqd() { # extra nsqd flags
  data=$(mktemp -d)
  bin/nsqd --tcp-address=$tcp --http-address=$http --data-path="$data" --log-level=warn "$@" 2>"$data/nsqd.log" &
  nsqd_pid=$!
  for _ in $(seq 1 120); do curl -sf "http://$http/ping" >/dev/null 2>&1 && break; sleep 0.25; done
  curl -sf -X POST "http://$http/topic/create?topic=sub_bench" >/dev/null
  curl -sf -X POST "http://$http/channel/create?topic=sub_bench&channel=ch" >/dev/null
}
stop_nsqd() {
  peak=$(awk '/VmHWM/ {printf "%d MiB", $2/1024}' /proc/$nsqd_pid/status)
  kill -TERM $nsqd_pid; wait $nsqd_pid 2>/dev/null || true
  rm -rf "$data"
}
rate() { sed -n 's/.* - \([0-9.]*\)ops\/s.*/\1/p' | awk '{printf "%.0fk msgs/s", $1/1000}'; }

echo "nsq-java bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), runs of $runfor"
figure() { # name, nsqd flags (quoted), size, batch
  local name="$1" flags="$2" size="$3" batch="$4"
  # shellcheck disable=SC2086
  start_nsqd $flags
  w=$(bin/bench_writer --nsqd-tcp-address=$tcp --runfor=$runfor --size=$size --batch-size=$batch 2>/dev/null | grep "^duration")
  r=$(bin/bench_reader --nsqd-tcp-address=$tcp --runfor=$runfor --size=$size --channel=ch 2>/dev/null | grep "^duration")
  stop_nsqd
  printf '%-52s writer %s   reader %s   peak RSS %s\n' "$name" "$(echo "$w" | rate)" "$(echo "$r" | rate)" "$peak"
}
figure "200 B, MPUB 200, --mem-queue-size=1000000" "--mem-queue-size=1000000" 200 200
figure "200 B, MPUB 200, default mem queue (rest on disk)" "" 200 200
figure "100 B, MPUB 200, --mem-queue-size=1000000" "--mem-queue-size=1000000" 100 200

# one message per publish, waiting for each reply: the round trip
start_nsqd
w=$(bin/bench_writer --nsqd-tcp-address=$tcp --runfor=$runfor --size=100 --batch-size=1 --pipeline=1 --connections=1 2>/dev/null | grep "^duration")
raw=$(python3 bench/rtt.py $tcp 20000)
stop_nsqd
printf '%-52s %s (%s per round trip; bench_writer, a Vert.x client)\n' "100 B, one message per PUB, waiting for each reply" \
  "$(echo "$w" | rate)" "$(echo "$w" | sed -n 's/.* - \([0-9.]*us\)\/op.*/\1/p')"
printf '%-52s %s\n' "   the same over one blocking socket (bench/rtt.py)" "$raw"

# publish-to-receive latency at half the maximum rate, writer and reader at once. The writer paces
# MPUBs of 20 and warms up first (unmeasured): the three JVMs' JIT compilers are busy for the first
# ~8 s of load, and on 2 cores that, not nsqd, would be the tail.
warmup=${WARMUP:-10}
start_nsqd
max=$(bin/bench_writer --nsqd-tcp-address=$tcp --runfor=$runfor --size=200 --batch-size=200 2>/dev/null | grep '^duration' | sed -n 's/.* - \([0-9.]*\)ops\/s.*/\1/p')
half=$(awk -v m="$max" 'BEGIN {printf "%d", m/2}')
curl -sf -X POST "http://$http/channel/empty?topic=sub_bench&channel=ch" >/dev/null
bin/bench_reader --nsqd-tcp-address=$tcp --runfor=$((warmup + ${runfor%s} + 2))s --size=200 --channel=ch > /tmp/bench_reader.$$ 2>/dev/null &
reader=$!
sleep 1 # the reader subscribes before the first message
bin/bench_writer --nsqd-tcp-address=$tcp --warmup=${warmup}s --runfor=$runfor --size=200 --batch-size=20 --rate="$half" >/dev/null 2>&1
wait $reader
stop_nsqd
printf '%-52s %s\n' "200 B at half the max rate ($((half / 1000))k msgs/s): latency" "$(grep '^latency:' /tmp/bench_reader.$$)"
printf '%-52s %s\n' "   (after ${warmup} s of warm-up; split at nsqd)" "$(grep '^latency split' /tmp/bench_reader.$$ | sed 's/^latency split: //')"
rm -f /tmp/bench_reader.$$

# memory: 1,000,000 queued 200-byte messages held in memory (200 MB of payload)
start_nsqd --mem-queue-size=1000000
python3 bench/fill.py $tcp 1000000 200 >/dev/null
jcmd $nsqd_pid GC.run >/dev/null 2>&1 || true
heap=$(jcmd $nsqd_pid GC.heap_info 2>/dev/null | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K.*/, "", v); printf "%d", v / 1024; exit}}')
direct=$(curl -sf "http://$http/metrics" | awk '/^jvm_buffer_pool_used_bytes\{pool="direct"\}/ {printf "%d", $2 / 1048576}')
rss=$(awk '/VmRSS/ {printf "%d", $2/1024}' /proc/$nsqd_pid/status)
stop_nsqd
printf '%-52s live heap %s MiB + direct %s MiB (payload 191 MiB); RSS %s MiB, peak %s\n' \
  "1,000,000 x 200 B queued in memory" "${heap:-?}" "${direct:-?}" "$rss" "$peak"
