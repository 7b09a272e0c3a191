#!/usr/bin/env bash
# Stops every process that start.sh (or taskmanager.sh) recorded in the state dir, by PID:
# TaskManagers, then the JobManager, then Kafka. Usage: deploy/local/stop.sh [--clean]
# (--clean also deletes the state dir: Kafka data, checkpoints, logs).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
clean=false
[[ "${1:-}" == "--clean" ]] && clean=true
[[ -d "$STATE_DIR/pids" ]] || { log "Nothing recorded in $STATE_DIR"; exit 0; }

stop_pid() {
    local name=$1 file="$STATE_DIR/pids/$1.pid" pid i
    [[ -f "$file" ]] || return 0
    pid="$(cat "$file")"
    if kill -0 "$pid" 2>/dev/null; then
        log "Stopping $name (pid $pid)"
        kill "$pid"
        for ((i = 0; i < 60; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "$name did not stop in 30 s; sending SIGKILL"
            kill -9 "$pid"
        fi
    fi
    rm -f "$file"
}

for file in "$STATE_DIR"/pids/taskmanager-*.pid; do
    [[ -e "$file" ]] && stop_pid "$(basename "$file" .pid)"
done
stop_pid jobmanager
stop_pid kafka
if $clean; then
    rm -rf "$STATE_DIR"
    log "Deleted $STATE_DIR"
fi
