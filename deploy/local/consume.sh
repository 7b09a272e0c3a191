#!/usr/bin/env bash
# Prints the records of a topic of the local broker, one per line, with Kafka's own console
# consumer (kafka-tools), reading only committed records (isolation.level=read_committed), as the
# jobs' exactly-once sinks require. From the beginning of the topic; stops after --max N records or
# after --timeout-ms of silence when given, else runs until Ctrl-C.
# Usage: deploy/local/consume.sh [TOPIC] [console consumer options]   (TOPIC default: sgn-scores)
#   e.g. deploy/local/consume.sh sgn-dead-letters --timeout-ms 5000
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require "$JAVA" mvn

topic=sgn-scores
if [[ $# -gt 0 && $1 != -* ]]; then
    topic=$1
    shift
fi
port_open "$KAFKA_PORT" || die "no Kafka broker on $BOOTSTRAP; run start.sh first"
exec "$JAVA" -cp "$(classpath kafka)" -Dlog4j2.configurationFile="$LOCAL_DIR/console-log4j2.properties" \
    org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BOOTSTRAP" --topic "$topic" \
    --from-beginning --isolation-level read_committed "$@"
