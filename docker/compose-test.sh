#!/usr/bin/env bash
# docker-compose.yml for real: the image built from the project's Dockerfile, the cluster brought up
# from the project's compose file (an override sets only the build args), then judged from inside
# the compose network by nsq-j and by our own tools in the image, and in Chromium (docker/judges):
#   publish to two nsqd, consume everything through lookupd; nsqadmin lists the three nsqd and
#   shows its pages in Chromium (screenshots); a gracefully stopped nsqd keeps its queue on its
#   volume; kill -9 loses what it loses in default mode, and nothing with --mem-queue-size=0
#   --sync-every=1. Everything is torn down (down -v) at the end, also on failure.
# Starts a Docker engine (vfs) if none runs and builds the base images if missing
# (docker/build-bases.sh). Needs root, docker.io, docker-compose, debootstrap, chromium and
# chromium-driver, jq, curl and Maven (.ci/run installs them). Prints each phase's duration;
# screenshots and logs go to target/compose-test/.
set -euo pipefail
cd "$(dirname "$0")/.."
export COMPOSE_PROJECT_NAME=nsqtest DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
IMAGE=nsq-java:1.3.0 # docker-compose.yml's image name
export BUILD_BASE=nsq-java-build-base:17 RUNTIME_BASE=nsq-java-runtime-base:bookworm # as in docker/compose.local-bases.yml
NET=${COMPOSE_PROJECT_NAME}_default
DURABLE=${COMPOSE_PROJECT_NAME}_durable # an extra nsqd in durable mode, on the compose network
OUT=target/compose-test
mkdir -p "$OUT"
compose() { docker-compose -f docker-compose.yml -f docker/compose.local-bases.yml "$@"; }

# ---- phases and their durations
started=$(date +%s); phase_name=""; phase_start=0; summary=()
end_phase() {
  [ -n "$phase_name" ] || return 0
  local took=$(( $(date +%s) - phase_start ))
  summary+=("$(printf '  %-58s %5ss' "$phase_name" "$took")")
  echo "-- $phase_name: ${took}s"
  phase_name=""
}
phase() { end_phase; phase_name="$1"; phase_start=$(date +%s); echo "== compose-test: $1"; }
fail() { echo "compose-test FAILED: $*" >&2; exit 1; }

# ---- teardown, also on failure
dockerd_pid=""
teardown() {
  local rc=$?
  set +e
  if [ "$rc" -ne 0 ]; then
    compose logs --no-color --tail=300 > "$OUT/compose.log" 2>&1
    docker logs "$DURABLE" >> "$OUT/compose.log" 2>&1
    echo "compose-test: last log lines (all in $OUT/compose.log):" >&2; tail -40 "$OUT/compose.log" >&2
  fi
  phase "tear down (down -v)"
  docker rm -f -v "$DURABLE" >/dev/null 2>&1
  docker volume rm "$DURABLE" >/dev/null 2>&1
  compose down -v --remove-orphans --timeout 20 >/dev/null 2>&1
  docker image prune -f >/dev/null 2>&1 # the previous build's image, untagged by this one (vfs: ~1 GB each)
  end_phase
  if [ -n "$dockerd_pid" ]; then kill "$dockerd_pid" 2>/dev/null; wait "$dockerd_pid" 2>/dev/null; fi
  echo "compose-test phases:"; printf '%s\n' "${summary[@]}"
  printf '  %-58s %5ss\n' "total" "$(( $(date +%s) - started ))"
  [ "$rc" -eq 0 ] && echo "compose-test: passed" || echo "compose-test: FAILED (exit $rc)"
  exit "$rc"
}
trap teardown EXIT

# ---- helpers
wait_healthy() { # every container of the project healthy (6 services), or fail after $1 s
  local deadline=$(( $(date +%s) + $1 )) states
  while :; do
    states=$(docker inspect -f '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' \
             $(compose ps -q) 2>/dev/null || true)
    if [ "$(grep -c ' healthy$' <<<"$states")" -eq 6 ]; then return 0; fi
    [ "$(date +%s)" -lt "$deadline" ] || { echo "$states" >&2; fail "not every service became healthy in $1 s"; }
    sleep 2
  done
}
# a command in a throwaway container of our image on the compose network; $J runs the nsq-j judge
in_network() {
  docker run --rm -i --network "$NET" -v "$PWD/docker/judges/target:/judge:ro" \
    -e J="java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp /judge/compose-judges-1.0.jar:/judge/lib/* dev.nsq.judge.NsqjJudge" \
    "$IMAGE" bash -c "$1"
}
wait_ping() { # $1 container's nsqd answers /ping, or fail after 120 s
  for _ in $(seq 1 120); do docker exec "$1" nsq-ping 4151 2>/dev/null && return 0; sleep 1; done
  fail "$1 did not answer /ping"
}
count() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<<"$2" | tail -1; } # count distinct "distinct=12 deliveries=13" -> 12
lookupds=nsqlookupd1:4161,nsqlookupd2:4161

# ---- the test
phase "docker engine"
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || fail "no Docker engine: apt-get install docker.io"
  echo "starting dockerd --storage-driver=vfs (log: $OUT/dockerd.log)"
  dockerd --storage-driver=vfs >"$OUT/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || fail "dockerd did not start: $(tail -5 "$OUT/dockerd.log")"
fi
docker info -f 'engine {{.ServerVersion}}, storage driver {{.Driver}}'
compose down -v --remove-orphans --timeout 5 >/dev/null 2>&1 || true # a run that died before its trap
docker rm -f -v "$DURABLE" >/dev/null 2>&1 || true

phase "base images (docker/build-bases.sh)"
docker/build-bases.sh

phase "image build (Dockerfile: Maven, jlink, runtime)"
docker build --network host --force-rm -t "$IMAGE" --build-arg BUILD_IMAGE="$BUILD_BASE" --build-arg RUNTIME_IMAGE="$RUNTIME_BASE" . \
  > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log" >&2; fail "docker build (log: $OUT/build.log)"; }
size_mb=$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f", $1/1e6}')
echo "$IMAGE: ${size_mb} MB"

phase "judges build (nsq-j, Selenium; Maven)"
mvn -B -q -f docker/judges/pom.xml package > "$OUT/judges-build.log" 2>&1 \
  || { tail -40 "$OUT/judges-build.log" >&2; fail "building docker/judges (log: $OUT/judges-build.log)"; }

phase "docker-compose up until every service is healthy"
compose up -d --no-build
wait_healthy 300
compose ps

phase "publish to nsqd1 and nsqd2, consume all through lookupd"
out=$(in_network '$J pub nsqd1:4150 compose_test 500 one && $J pub nsqd2:4150 compose_test 500 two')
echo "$out"
out=$(in_network "\$J sub $lookupds compose_test judge 1000 20")
echo "nsq-j through lookupd: $out"
[ "$(count distinct "$out")" = 1000 ] || fail "expected the 1000 messages published to nsqd1 and nsqd2"

phase "nsqadmin: /api/nodes, pages in Chromium"
nodes=$(curl -fsS http://127.0.0.1:4171/api/nodes | jq -r '[.nodes[].broadcast_address] | sort | join(" ")')
echo "nsqadmin /api/nodes: $nodes"
[ "$nodes" = "nsqd1 nsqd2 nsqd3" ] || fail "nsqadmin lists '$nodes', expected nsqd1 nsqd2 nsqd3"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "docker/judges/target/compose-judges-1.0.jar:docker/judges/target/lib/*" \
  dev.nsq.judge.AdminPages http://127.0.0.1:4171 "$OUT" compose_test judge nsqd1,nsqd2 nsqd1,nsqd2,nsqd3

phase "graceful stop of nsqd1 keeps its queue"
curl -fsS -X POST 'http://127.0.0.1:4151/channel/create?topic=survive&channel=keep' -o /dev/null \
  || { curl -fsS -X POST 'http://127.0.0.1:4151/topic/create?topic=survive' -o /dev/null \
       && curl -fsS -X POST 'http://127.0.0.1:4151/channel/create?topic=survive&channel=keep' -o /dev/null; }
seq 1 1000 | in_network 'bin/to_nsq --topic=survive --nsqd-tcp-address=nsqd1:4150'
depth() { curl -fsS "http://127.0.0.1:$1/stats?format=json&topic=$2" | jq "[.topics[0].channels[] | select(.channel_name==\"$3\") | .depth] | add // 0"; }
before=$(depth 4151 survive keep)
compose stop nsqd1
compose start nsqd1
wait_healthy 120
after=$(depth 4151 survive keep)
echo "channel survive/keep on nsqd1: depth $before before the stop, $after after the restart"
[ "$before" = 1000 ] && [ "$after" = 1000 ] || fail "the queue did not survive a graceful restart"
out=$(in_network "\$J sub $lookupds survive keep 1000 20")
echo "nsq-j through lookupd: $out"
[ "$(count distinct "$out")" = 1000 ] || fail "expected the 1000 queued messages after the restart"

phase "kill -9 nsqd2 (default mode)"
in_network '$J pub nsqd2:4150 crash_default 1000 d'
docker kill -s KILL "$(compose ps -q nsqd2)" >/dev/null
compose start nsqd2 >/dev/null 2>&1 || true # restart: unless-stopped may have done it already
wait_healthy 120
out=$(in_network "\$J sub $lookupds crash_default keep 1000 10")
kept=$(count distinct "$out")
echo "RESULT kill -9, default mode (--mem-queue-size=10000): 1000 acknowledged, $kept delivered after restart, $((1000 - kept)) lost (held in memory)"

phase "kill -9 an nsqd in durable mode"
docker run -d --name "$DURABLE" --network "$NET" --network-alias nsqd-durable -v "$DURABLE:/data" "$IMAGE" \
  bin/nsqd --data-path=/data --broadcast-address=nsqd-durable --mem-queue-size=0 --sync-every=1 \
  --lookupd-tcp-address=nsqlookupd1:4160 --lookupd-tcp-address=nsqlookupd2:4160 >/dev/null
wait_ping "$DURABLE"
in_network '$J pub nsqd-durable:4150 crash_durable 1000 s'
docker kill -s KILL "$DURABLE" >/dev/null
docker start "$DURABLE" >/dev/null
wait_ping "$DURABLE"
out=$(in_network "\$J sub $lookupds crash_durable keep 1000 20")
kept=$(count distinct "$out")
echo "RESULT kill -9, durable mode (--mem-queue-size=0 --sync-every=1): 1000 acknowledged, $kept delivered after restart, $((1000 - kept)) lost"
[ "$kept" = 1000 ] || fail "durable mode lost $((1000 - kept)) acknowledged messages"

echo "image $IMAGE: ${size_mb} MB"
