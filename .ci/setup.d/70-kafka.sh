#!/usr/bin/env bash
# Apache Kafka for the streaming path (backend/stream/, tools/kafka/): Debian's JRE and
# maven, then the broker and Kafka's own tools from Maven Central (tools/kafka/pom.xml names
# the version) copied into .cache/kafka/libs (outside git). `deno task kafka` runs a KRaft
# broker from those jars; `deno task stream:check` needs them.
# Idempotent and quiet: does nothing when the jars of the pinned version are present.
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source-path=SCRIPTDIR source=../apt.sh
. .ci/apt.sh
apt_ensure java:default-jre-headless mvn:maven

version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' tools/kafka/pom.xml)
libs=.cache/kafka/libs
if [ ! -f "$libs/kafka_2.13-$version.jar" ] || [ ! -f "$libs/kafka-tools-$version.jar" ]; then
  echo "[70-kafka] fetching kafka_2.13 $version and its dependencies from Maven Central"
  rm -rf "$libs.tmp"
  mvn -q -B -f tools/kafka/pom.xml dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$PWD/$libs.tmp" >/dev/null
  rm -rf "$libs"
  mv "$libs.tmp" "$libs"
fi
echo "[70-kafka] kafka $version: $(find "$libs" -name "*.jar" | wc -l) jars in $libs"
