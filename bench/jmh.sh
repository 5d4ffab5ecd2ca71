#!/usr/bin/env bash
# JMH benchmarks of the codecs and nsqd's publish-to-delivery path. Builds what is missing.
#   bench/jmh.sh                      # all benchmarks
#   bench/jmh.sh CodecBenchmark -prof gc   # one class, with JMH options
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
. bin/lib/launch.sh # nsq_jar
jar="$(nsq_jar benchmarks)"
if [ ! -f "$jar" ]; then mvn -B -q -DskipTests package; fi
exec java -cp "$jar:benchmarks/target/lib/*" org.openjdk.jmh.Main "$@"
