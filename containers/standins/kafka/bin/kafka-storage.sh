#!/bin/bash
# As the official script: kafka-storage.sh ARGS... runs kafka.tools.StorageTool.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
