#!/bin/bash
# As the official script: kafka-server-start.sh ARGS... runs kafka.Kafka.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.Kafka "$@"
