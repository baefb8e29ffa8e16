#!/usr/bin/env bash
# Builds the apache/kafka stand-in (Dockerfile here) with podman, tagged
# docker.io/apache/kafka:VERSION, the version named in tools/kafka/pom.xml.
# Needs the jars of .ci/setup.d/70-kafka.sh and the debian-slim stand-in of
# ../shared/tools/docker-on-podman.sh ($DOCKER_ON_PODMAN). Idempotent: does
# nothing when the image exists. `local-k8s.sh load-image docker.io/apache/kafka:VERSION`
# then puts it on the e2e's cluster (k8s/e2e/scenarios/stream_lag.ts).
set -euo pipefail
cd "$(dirname "$0")/../../.."

version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' tools/kafka/pom.xml)
image=docker.io/apache/kafka:$version
if podman image exists "$image"; then
  echo "$image"
  exit 0
fi
libs=.cache/kafka/libs
[ -f "$libs/kafka_2.13-$version.jar" ] || {
  echo "[kafka-standin] no Kafka $version jars in $libs: run bash .ci/setup.d/70-kafka.sh" >&2
  exit 1
}
tool=${DOCKER_ON_PODMAN:-../shared/tools/docker-on-podman.sh}
[ -f "$tool" ] || { echo "[kafka-standin] docker-on-podman.sh not found at $tool; set DOCKER_ON_PODMAN" >&2; exit 1; }
bash "$tool" base debian:bookworm-slim debian-slim >&2

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp -r containers/standins/kafka/. "$ctx/"
rm -f "$ctx/build.sh"
cp -r "$libs" "$ctx/libs"
echo "[kafka-standin] podman build $image (Debian's JRE, $(find "$libs" -name '*.jar' | wc -l) jars)" >&2
podman build -q --pull=never -t "$image" "$ctx" >/dev/null
echo "$image"
