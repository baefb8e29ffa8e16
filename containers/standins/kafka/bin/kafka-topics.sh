#!/bin/bash
# As the official script: kafka-topics.sh ARGS... runs org.apache.kafka.tools.TopicCommand.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.TopicCommand "$@"
