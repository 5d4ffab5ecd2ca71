#!/usr/bin/env bash
# Builds the Dockerfile's two base images from Debian packages (debootstrap + docker import), for
# machines that reach Debian's mirror and Maven Central but no image registry:
#   nsq-java-build-base:17          BUILD_IMAGE: OpenJDK 17 (with jmods, for jlink) and Maven
#   nsq-java-runtime-base:bookworm  RUNTIME_IMAGE: a small Debian (glibc, bash, coreutils); the
#                                   image brings its own jlinked Java runtime
# then:
#   DOCKER_BUILDKIT=0 docker build --network host -t nsq-java:1.3.0 \
#     --build-arg BUILD_IMAGE=nsq-java-build-base:17 --build-arg RUNTIME_IMAGE=nsq-java-runtime-base:bookworm .
#
# The build base trusts this machine's CA bundle and Java cacerts (copied in): outgoing TLS may be
# re-signed by a local authority, and Maven inside the build would otherwise fail with a PKIX
# error. The image is labelled with their checksum, and is rebuilt when they change.
# An image that exists (and trusts the current CAs) is kept; --force rebuilds both.
# Needs root, debootstrap and a running Docker engine. About 2.5 minutes per image.
set -euo pipefail
BUILD_BASE="${BUILD_BASE:-nsq-java-build-base:17}"
RUNTIME_BASE="${RUNTIME_BASE:-nsq-java-runtime-base:bookworm}"
SUITE="${DEBIAN_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
force=false; [ "${1:-}" = "--force" ] && force=true

host_cas=(/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/java/cacerts)
ca_sum="$(cat "${host_cas[@]}" | sha256sum | cut -c1-16)"

label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

# debootstrap SUITE into a temporary root, then run the given function on it, then import it.
# $1 image, $2 extra packages (comma-separated, may be empty), $3 function, $4.. docker import --change
make_image() {
  local image="$1" include="$2" customise="$3"; shift 3
  local root; root="$(mktemp -d /tmp/nsq-base.XXXXXX)"
  trap 'rm -rf "$root"' RETURN
  echo "debootstrap $SUITE -> $image${include:+ (with $include)}"
  debootstrap --variant=minbase ${include:+--include="$include"} "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; rm -f "$root.log"; return 1; }
  rm -f "$root.log"
  "$customise" "$root"
  # what an image never needs: package lists, caches, documentation, other languages
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
         "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
  local changes=()
  for c in "$@"; do changes+=(--change "$c"); done
  tar -C "$root" --numeric-owner -c . | docker import "${changes[@]}" - "$image" >/dev/null
  echo "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
}

trust_host_cas() { # the build base's TLS trust = this machine's
  cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"
  mkdir -p "$1/etc/ssl/certs/java"
  cp /etc/ssl/certs/java/cacerts "$1/etc/ssl/certs/java/cacerts"
}
nothing() { :; }

if $force || [ "$(label "$BUILD_BASE" nsq.ca-sha256)" != "$ca_sum" ]; then
  make_image "$BUILD_BASE" "openjdk-17-jdk-headless,maven,ca-certificates,ca-certificates-java" trust_host_cas \
    "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64" \
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "ENV LANG=C.UTF-8" \
    "LABEL nsq.ca-sha256=$ca_sum" \
    "CMD [\"/bin/bash\"]"
else
  echo "$BUILD_BASE exists (trusts this machine's CAs)"
fi
if $force || ! docker image inspect "$RUNTIME_BASE" >/dev/null 2>&1; then
  make_image "$RUNTIME_BASE" "" nothing \
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "ENV LANG=C.UTF-8" \
    "CMD [\"/bin/bash\"]"
else
  echo "$RUNTIME_BASE exists"
fi
