#!/bin/bash
# As the official script: kafka-console-consumer.sh ARGS... runs org.apache.kafka.tools.consumer.ConsoleConsumer.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.consumer.ConsoleConsumer "$@"
