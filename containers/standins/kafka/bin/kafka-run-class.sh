#!/bin/bash
# kafka-run-class.sh CLASS ARGS...: the JVM with Kafka's jars, heap and log
# settings from the variables the official scripts read (KAFKA_HEAP_OPTS,
# KAFKA_OPTS, KAFKA_LOG4J_OPTS, LOG_DIR).
set -euo pipefail
heap=${KAFKA_HEAP_OPTS:--Xmx256m}
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties}
# shellcheck disable=SC2086 # the *_OPTS variables hold several JVM flags
exec java $heap ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20} \
  $log4j -Dkafka.logs.dir="${LOG_DIR:-/tmp}" ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*' "$@"
