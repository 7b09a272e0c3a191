#!/usr/bin/env bash
# Starts TaskManager number N of the local cluster (start.sh runs it; fault-test.sh uses it to
# bring a killed TaskManager back). Usage: deploy/local/taskmanager.sh N
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[[ $# -eq 1 && "$1" =~ ^[0-9]+$ ]] || die "usage: taskmanager.sh N"
n=$1
name="taskmanager-$n"
pid_alive "$name" && die "$name is already running"
[[ -f "$STATE_DIR/flink/tm-jvm-params" ]] || die "no cluster configuration in $STATE_DIR; run start.sh"
FLINK_CP="$(classpath flink)"
jvm="$(cat "$STATE_DIR/flink/tm-jvm-params")"
dynamic="$(cat "$STATE_DIR/flink/tm-dynamic-params")"
log "Starting $name"
# shellcheck disable=SC2086
nohup "$JAVA" $jvm "${FLINK_JAVA_OPTS[@]}" -cp "$FLINK_CP" -Dlog.file="$STATE_DIR/logs/$name.log" \
    -Dlog4j.configurationFile="file:$STATE_DIR/flink/conf/log4j.properties" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$STATE_DIR/flink/conf" $dynamic -D "taskmanager.resource-id=$name" \
    >"$STATE_DIR/logs/$name.out" 2>&1 &
echo $! >"$STATE_DIR/pids/$name.pid"
