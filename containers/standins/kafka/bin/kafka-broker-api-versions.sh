#!/bin/bash
# As the official script: kafka-broker-api-versions.sh ARGS... runs org.apache.kafka.tools.BrokerApiVersionsCommand.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
