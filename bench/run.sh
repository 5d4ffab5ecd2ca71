#!/usr/bin/env bash
# Our nsqd measured the way docs/nsq-reference-figures.md measured NSQ 1.3.0: loopback, bench_writer then
# bench_reader (2 connections each, 10 s runs), one line per figure. Builds what is missing.
#   bench/run.sh            # every figure
#   RUNFOR=5s bench/run.sh  # shorter runs
#
# Side by side with another nsqd (e.g. NSQ 1.3.0 built by /work/shared/bench/build-ref-nsq.sh),
# the same client tools against both, interleaved (ours, theirs, ours, ...), a fresh daemon and
# data dir per run; the server's CPU seconds from /proc per phase; median [min-max] and ours/theirs:
#   bench/run.sh --compare=/usr/local/bin/ref-nsqd
#       # tools: --writer=PATH --reader=PATH (or BENCH_WRITER, BENCH_READER); default NSQ's Go
#       # /usr/local/bin/ref-bench_writer and ref-bench_reader; bin/bench_writer etc. for ours
#   ROUNDS=5 RUNFOR=10s READFOR=5s bench/run.sh --compare=...   # defaults 3, 10s, 5s
# More knobs (env): BENCH_SIZE=200 BENCH_BATCH=200 BENCH_MEMQ=1000000 BENCH_NSQD_FLAGS='' BENCH_RDY
# (reader's --rdy, tools' default 2500), BENCH_TCP_PORT=14150 BENCH_HTTP_PORT=14151, WIDE=4: the
# connections of an extra run (GOMAXPROCS for Go tools, --connections for ours; 0 skips it) that
# also shows the CPU of each of our event-loop threads. The reader runs shorter than the writer so
# neither server drains its backlog (a drained reader reports the writer's count over its own time).
# It takes (ROUNDS * 2 + 2) runs of RUNFOR + READFOR + ~6 s: ~3 min with the defaults.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
compare="" writer="${BENCH_WRITER:-}" reader="${BENCH_READER:-}"
for arg in "$@"; do
  case "$arg" in
    --compare=*) compare="${arg#*=}" ;;
    --writer=*) writer="${arg#*=}" ;;
    --reader=*) reader="${arg#*=}" ;;
    -h|--help) sed -n '2,/^set -e/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
    *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
  esac
done
runfor="${RUNFOR:-10s}"
tcp=127.0.0.1:${BENCH_TCP_PORT:-14150}
http=127.0.0.1:${BENCH_HTTP_PORT:-14151}
. bin/lib/launch.sh # nsq_jar
if [ ! -f "$(nsq_jar nsqd)" ] || [ ! -f "$(nsq_jar tools)" ]; then
  mvn -B -q -DskipTests package
fi

nsqd_pid="" data="" nsqd_bin=bin/nsqd
cleanup() { # on any exit: no daemon or data dir left behind
  if [ -n "$nsqd_pid" ]; then kill -KILL "$nsqd_pid" 2>/dev/null || true; fi
  if [ -n "$data" ]; then rm -rf "$data"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port_free() { ! ss -Hltn "sport = :${1##*:}" 2>/dev/null | grep -q .; }
start_nsqd() { # extra nsqd flags; runs $nsqd_bin
  for _ in $(seq 1 40); do port_free $tcp && port_free $http && break; sleep 0.25; done
  if ! port_free $tcp || ! port_free $http; then
    echo "$tcp or $http is taken: pick others with BENCH_TCP_PORT / BENCH_HTTP_PORT" >&2; exit 1
  fi
  data=$(mktemp -d)
  "$nsqd_bin" --tcp-address=$tcp --http-address=$http --data-path="$data" --log-level=warn "$@" 2>"$data/nsqd.log" &
  nsqd_pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://$http/ping" >/dev/null 2>&1 && break
    kill -0 $nsqd_pid 2>/dev/null || break
    sleep 0.25
  done
  if ! kill -0 $nsqd_pid 2>/dev/null || ! curl -sf "http://$http/ping" >/dev/null 2>&1; then
    echo "$nsqd_bin did not start:" >&2; tail -5 "$data/nsqd.log" >&2; exit 1
  fi
  curl -sf -X POST "http://$http/topic/create?topic=sub_bench" >/dev/null
  curl -sf -X POST "http://$http/channel/create?topic=sub_bench&channel=ch" >/dev/null
}
stop_nsqd() { # [signal]: TERM lets nsqd write its queues to disk; KILL when the data is thrown away anyway
  peak=$(awk '/VmHWM/ {printf "%d MiB", $2/1024}' /proc/$nsqd_pid/status)
  kill -"${1:-TERM}" $nsqd_pid; wait $nsqd_pid 2>/dev/null || true
  nsqd_pid=""
  rm -rf "$data"; data=""
}
rate() { sed -n 's/.* - \([0-9.]*\)ops\/s.*/\1/p' | awk '{printf "%.0fk msgs/s", $1/1000}'; }

# ---- side by side: --compare=NSQD (see the top of this file) ----
secs() { # a Go duration (1m2.5s, 10.0004s, 950ms) in seconds
  awk -v d="$1" 'BEGIN { t = 0
    while (match(d, /^[0-9.]+(h|m|s|ms|us|µs|ns)/)) {
      n = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1); u = n; sub(/^[0-9.]+/, "", u)
      t += n * (u == "h" ? 3600 : u == "m" ? 60 : u == "s" ? 1 : u == "ms" ? 1e-3 : u == "ns" ? 1e-9 : 1e-6) }
    printf "%.6f", t }'
}
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; } # utime + stime of a process
thread_ticks() { # pid -> "tid ticks comm" per thread (comm is cut to 15 characters)
  local t
  for t in /proc/$1/task/*; do
    echo "${t##*/} $(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}') $(cat "$t/comm" 2>/dev/null)"
  done
}
loop_names() { # pid -> "tid name" of a JVM's Vert.x event-loop threads, from the JVM's own thread dump
  jcmd "$1" Thread.print 2>/dev/null | sed -n 's/^"\(vert\.x-eventloop-thread-[0-9]*\)".* nid=\([0-9a-fx]*\).*/\1 \2/p' |
    while read -r name nid; do echo "$((nid)) $name"; done
}
tool() { # path, connections (empty: the tool's default) -> the command line in cmd[]
  cmd=(env -u GOMAXPROCS "$1")
  if [ -n "$2" ] && [ "$(head -c2 "$1")" = "#!" ]; then cmd+=(--connections="$2") # ours: a launcher script
  elif [ -n "$2" ]; then cmd=(env GOMAXPROCS="$2" "$1"); fi                       # NSQ's: one connection per proc
}
measure() { # command...: runs it, bounded, against the running nsqd; sets msgs, dur (the tool's), wall, cpu (nsqd's)
  local before after t0 out line
  before=$(cpu_ticks $nsqd_pid); t0=$(date +%s%N)
  out=$(timeout --foreground "$limit" "$@" 2>&1) || { echo "failed: $* -> $(echo "$out" | tail -3)" >&2; exit 1; }
  wall=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
  after=$(cpu_ticks $nsqd_pid)
  line=$(grep -m1 'duration: ' <<<"$out" | sed 's/.*duration: //') || { echo "no summary from $*: $out" >&2; exit 1; }
  msgs=$(awk -v s="$(secs "${line%% *}")" -v r="$(echo "$line" | sed -n 's/.* - \([0-9.]*\)ops\/s.*/\1/p')" 'BEGIN {printf "%.0f", s * r}')
  cpu=$(awk -v t=$((after - before)) -v hz="$tick" 'BEGIN {printf "%.2f", t / hz}')
  dur=$(secs "${line%% *}")
}
run_one() { # label (last word: the server), nsqd binary, connections (empty: the tools' default),
             # results file (empty: none), loops (1: CPU per event-loop thread)
  local label=$1 conns=$3 out=$4 loops=${5:-} w r
  nsqd_bin=$2
  # shellcheck disable=SC2086
  start_nsqd --mem-queue-size=$memq $nsqd_flags
  if [ -n "$loops" ]; then thread_ticks $nsqd_pid >"$work/t0"; fi
  tool "$writer" "$conns"
  measure "${cmd[@]}" --nsqd-tcp-address=$tcp --runfor=$runfor --size=$size --batch-size=$batch --topic=sub_bench
  w="$msgs $dur $cpu $wall"
  if [ -n "$loops" ]; then thread_ticks $nsqd_pid >"$work/t1"; fi
  tool "$reader" "$conns"
  # shellcheck disable=SC2086
  measure "${cmd[@]}" --nsqd-tcp-address=$tcp --runfor=$readfor --size=$size --topic=sub_bench --channel=ch $rdy
  r="$msgs $dur $cpu $wall"
  if [ -n "$loops" ]; then thread_ticks $nsqd_pid >"$work/t2"; loop_names $nsqd_pid >"$work/names"; fi
  stop_nsqd KILL # the data dir goes anyway: no point writing a million queued messages to it
  echo "$w $r ${peak% MiB}" | awk -v l="$label" '{
    d = ($5 >= 0.98 * $1) ? " (drained: capped by the backlog)" : ""
    printf "%-20s writer %4.0fk msgs/s, %5.2f CPU-s (%.2f/M msgs, %.2f cores) | reader %4.0fk msgs/s, %5.2f CPU-s (%.2f/M, %.2f cores)%s | RSS %d MiB\n",
      l, $1 / $2 / 1000, $3, $3 / $1 * 1e6, $3 / $4, $5 / $6 / 1000, $7, $7 / $5 * 1e6, $7 / $8, d, $9 }'
  if [ -n "$out" ]; then echo "${label##* } $w $r ${peak% MiB}" >>"$out"; fi # keyed by the label's last word
  if [ -n "$loops" ]; then loops_report; fi
}
loops_report() { # CPU seconds of each event-loop thread in the writer (t0..t1) and reader (t1..t2) phases
  awk -v hz="$tick" -v ww="${w##* }" -v rw="${r##* }" '
    FILENAME ~ /names$/ { name[$1] = $2; next }
    FILENAME ~ /t0$/ { a[$1] = $2; next }
    FILENAME ~ /t1$/ { b[$1] = $2; next }
    { c[$1] = $2; comm[$1] = $3 }
    END {
      for (t in c) {
        n = (t in name) ? name[t] : (comm[t] ~ /^vert\.x-eventloo/ ? "vert.x-eventloop tid " t : "")
        wd = ((t in b) ? b[t] : 0) - ((t in a) ? a[t] : 0); rd = c[t] - ((t in b) ? b[t] : 0)
        if (n == "") { ow += wd; orr += rd; continue }
        k++; nm[k] = n; lw[k] = wd; lr[k] = rd; tw += wd; tr += rd
      }
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (nm[j] < nm[i]) {
        x = nm[i]; nm[i] = nm[j]; nm[j] = x; x = lw[i]; lw[i] = lw[j]; lw[j] = x; x = lr[i]; lr[i] = lr[j]; lr[j] = x }
      printf "   our nsqd per thread, CPU-s (share of one core): writer phase   reader phase\n"
      for (i = 1; i <= k; i++) {
        printf "     %-44s %5.2f (%3.0f%%)   %5.2f (%3.0f%%)\n", nm[i], lw[i] / hz, lw[i] / hz / ww * 100, lr[i] / hz, lr[i] / hz / rw * 100
        if (lw[i] >= 0.1 * tw && tw > 0) sw++; if (lr[i] >= 0.1 * tr && tr > 0) sr++ }
      printf "     %-44s %5.2f          %5.2f\n", "every other thread (GC, JIT, disk, ...)", ow / hz, orr / hz
      printf "     event loops carrying >= 10%% of the event-loop CPU: %d of %d writing, %d of %d reading\n", sw, k, sr, k
    }' "$work/names" "$work/t0" "$work/t1" "$work/t2"
}
summary() { # results file: label wmsgs wdur wcpu wwall rmsgs rdur rcpu rwall peak
  awk -v A="$1" -v B="$2" '
    function add(l, m, v) { n[l, m]++; val[l, m, n[l, m]] = v }
    function med(l, m,   i, j, x, c) {
      c = n[l, m]; for (i = 1; i <= c; i++) s[i] = val[l, m, i]
      for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (s[j] < s[i]) { x = s[i]; s[i] = s[j]; s[j] = x }
      lo = s[1]; hi = s[c]; return c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2 }
    function cell(l, m, f,   v) { v = med(l, m); return sprintf(f " [" f "-" f "]", v / div[m], lo / div[m], hi / div[m]) }
    {
      add($1, 1, $2 / $3); add($1, 2, $6 / $7); add($1, 3, $4); add($1, 4, $8)
      add($1, 5, $4 / $2 * 1e6); add($1, 6, $8 / $6 * 1e6); add($1, 7, $4 / $5); add($1, 8, $8 / $9); add($1, 9, $10)
    }
    END {
      split("writer msgs/s|reader msgs/s|nsqd CPU-s, writer phase|nsqd CPU-s, reader phase|CPU-s per 1M published|CPU-s per 1M delivered|cores busy, writer phase|cores busy, reader phase|peak RSS MiB", title, "|")
      split("%.0fk|%.0fk|%.2f|%.2f|%.2f|%.2f|%.2f|%.2f|%.0f", fmt, "|")
      for (m = 1; m <= 9; m++) div[m] = m <= 2 ? 1000 : 1
      printf "\n%-26s %-24s %-24s %s\n", "median [min-max]", A, B, "ours/theirs"
      for (m = 1; m <= 9; m++) {
        a = cell(A, m, fmt[m]); ma = med(A, m); b = cell(B, m, fmt[m]); mb = med(B, m)
        printf "%-26s %-24s %-24s %.2f\n", title[m], a, b, mb ? ma / mb : 0 }
    }' "$3"
}
compare_mode() {
  local rounds=${ROUNDS:-3} wide=${WIDE:-4} ours theirs i
  readfor="${READFOR:-5s}" size=${BENCH_SIZE:-200} batch=${BENCH_BATCH:-200} memq=${BENCH_MEMQ:-1000000}
  nsqd_flags="${BENCH_NSQD_FLAGS:-}" rdy="${BENCH_RDY:+--rdy=$BENCH_RDY}" tick=$(getconf CLK_TCK)
  writer=${writer:-/usr/local/bin/ref-bench_writer} reader=${reader:-/usr/local/bin/ref-bench_reader}
  for x in "$compare" "$writer" "$reader"; do [ -x "$x" ] || { echo "not an executable: $x" >&2; exit 2; }; done
  limit=$(awk -v a="$(secs "$runfor")" -v b="$(secs "$readfor")" 'BEGIN {printf "%d", (a > b ? a : b) + 60}')
  work=$(mktemp -d); trap 'cleanup; rm -rf "$work"' EXIT
  ours="ours" theirs="$(basename "$compare")"
  echo "side by side, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  ours:   bin/nsqd, $(bin/nsqd --version 2>&1 | head -1)"
  echo "  theirs: $compare, $("$compare" --version 2>&1 | head -1)"
  echo "  tools:  $writer for $runfor, then $reader for $readfor; $size B, MPUB $batch, nsqd --mem-queue-size=$memq${nsqd_flags:+ $nsqd_flags}${rdy:+, reader $rdy}"
  for i in $(seq 1 "$rounds"); do
    run_one "round $i $ours" bin/nsqd "" "$work/results"
    run_one "round $i $theirs" "$compare" "" "$work/results"
  done
  summary "$ours" "$theirs" "$work/results"
  if [ "$wide" -gt 0 ]; then
    echo
    echo "$wide writer and $wide reader connections (GOMAXPROCS=$wide for Go tools, --connections=$wide for ours):"
    run_one "$ours, $wide conns" bin/nsqd "$wide" "" 1
    run_one "$theirs, $wide conns" "$compare" "$wide" ""
  fi
}
if [ -n "$compare" ]; then compare_mode; exit 0; fi
if [ -n "$writer$reader" ]; then
  echo "--writer, --reader, BENCH_WRITER and BENCH_READER apply with --compare only" >&2; exit 2
fi

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
