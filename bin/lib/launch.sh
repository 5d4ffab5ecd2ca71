# What every script in bin/ shares, sourced by each: where a module's jar and lib/ are, the version
# in their names, the JVM options each program starts with, and the message when nothing is built.
#   . "$(dirname "${BASH_SOURCE[0]}")/lib/launch.sh"
#   launch <module> <main class> "$@"      # the program's name is its script's
set -euo pipefail
NSQ_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The version is the root pom's (its first <version>: the pom has no parent), so a new version is
# written in the poms only. The image holds the build's output but no pom: there a module's jar is
# the one in its target/.
nsq_version() {
  [ -f "$NSQ_HOME/pom.xml" ] || return 0
  sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$NSQ_HOME/pom.xml" | head -1
}

# The jar Maven builds for a module (its dependencies are in target/lib beside it).
nsq_jar() {
  local module="$1" version
  version="$(nsq_version)"
  if [ -n "$version" ]; then
    echo "$NSQ_HOME/$module/target/$module-$version.jar"
  else
    local jars=("$NSQ_HOME/$module/target/$module"-*.jar)
    echo "${jars[0]}"
  fi
}

# jvm_default <option> <text>...: adds the option unless JAVA_OPTS contains one of the texts
# (JAVA_OPTS always wins: it comes after these on the command line, and a default it names is left out)
jvm_default() {
  local option="$1" text
  shift
  for text in "$@"; do
    case " ${JAVA_OPTS:-} " in *"$text"*) return 0 ;; esac
  done
  jvm+=("$option")
}

# The options a program starts with, before JAVA_OPTS.
jvm_options() {
  jvm=()
  case "$1" in
    nsqd|nsqlookupd)
      # Hazelcast (cluster mode) asks for these to use the JDK internals it is fastest with
      jvm+=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
            --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
            --add-opens java.management/sun.management=ALL-UNNAMED
            --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED) ;;
  esac
  case "$1" in
    nsqd)
      # Memory: queued messages beyond the first 10000 per queue live off the heap, so the heap stays
      # small: 192 MiB unless JAVA_OPTS says otherwise (raise it for thousands of clients with large RDY);
      # direct memory (the queues) may grow to 8 GiB, used only as --mem-queue-size and traffic require.
      # A fixed 64 MiB young generation: left to itself G1 shrank it to ~25 MiB under a steady stream and
      # collected four times a second, and those pauses were most of the publish-to-receive p99.
      jvm_default -Xmx192m " -Xmx" "MaxRAM"
      jvm_default -Xmn64m " -Xmx" "MaxRAM" " -Xmn" "NewSize"
      jvm_default -XX:MaxDirectMemorySize=8g "MaxDirectMemorySize" ;;
    bench_writer|bench_reader)
      # A measuring instrument should pause little: a small heap with the serial collector pauses for
      # well under 2 ms, where G1 on a default (quarter of RAM) heap paused 4-7 ms. JAVA_OPTS overrides.
      jvm_default -XX:+UseSerialGC "GC " " -Xmx"
      jvm_default -Xmx256m "GC " " -Xmx" ;;
  esac
}

# launch <module> <main class> [arguments]: runs the program named by the calling script.
launch() {
  local module="$1" main="$2" name jar
  shift 2
  name="$(basename "$0")"
  jar="$(nsq_jar "$module")"
  if [ ! -f "$jar" ]; then
    echo "$name is not built yet: run 'mvn -B -DskipTests package' in $NSQ_HOME" >&2
    exit 1
  fi
  jvm_options "$name"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  exec java ${jvm[@]+"${jvm[@]}"} ${JAVA_OPTS:-} -cp "$jar:$NSQ_HOME/$module/target/lib/*" "$main" "$@"
}
