#!/usr/bin/env bash
# Kafka's own kafka-topics tool (kafka-tools), against the local broker: create, list, describe.
# Usage: deploy/local/kafka-topics.sh --create --topic events --partitions 4
#        deploy/local/kafka-topics.sh --list
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require "$JAVA" mvn

port_open "$KAFKA_PORT" || die "no Kafka broker on $BOOTSTRAP; run start.sh first"
exec "$JAVA" -cp "$(classpath kafka)" -Dlog4j2.configurationFile="$LOCAL_DIR/console-log4j2.properties" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@"
