#!/usr/bin/env bash
# Sends lines of standard input as records to a topic of the local broker, with Kafka's own
# console producer (kafka-tools). One line, one record; values only, no keys.
# Usage: deploy/local/produce.sh [TOPIC] < events.jsonl   (TOPIC default: sgn-events)
#   e.g. echo '{"id":"e1","features":{"f0":0.1,"f1":2.5}}' | deploy/local/produce.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require "$JAVA" mvn

topic=${1:-sgn-events}
port_open "$KAFKA_PORT" || die "no Kafka broker on $BOOTSTRAP; run start.sh first"
exec "$JAVA" -cp "$(classpath kafka)" -Dlog4j2.configurationFile="$LOCAL_DIR/console-log4j2.properties" \
    org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$BOOTSTRAP" --topic "$topic"
