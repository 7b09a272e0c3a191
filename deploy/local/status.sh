#!/usr/bin/env bash
# Shows the local cluster: processes, TaskManagers and every job with its state.
# Usage: deploy/local/status.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require curl jq
for file in "$STATE_DIR"/pids/*.pid; do
    [[ -e "$file" ]] || { echo "no processes recorded in $STATE_DIR"; break; }
    name="$(basename "$file" .pid)"
    if pid_alive "$name"; then state=running; else state=dead; fi
    printf '%-16s pid %-8s %s\n' "$name" "$(cat "$file")" "$state"
done
if ! overview="$(flink_get /overview 2>/dev/null)"; then
    echo "Flink REST $REST: not reachable"
    exit 1
fi
echo "$overview" | jq -r '"Flink \(."flink-version") at '"$REST"': \(.taskmanagers) TaskManagers, \(."slots-available")/\(."slots-total") slots free"'
flink_get /jobs/overview | jq -r '.jobs[] | "\(.jid)  \(.state | .[0:12] | . + " " * (12 - length))  \(.name)  tasks \(.tasks.running)/\(.tasks.total) running"'
