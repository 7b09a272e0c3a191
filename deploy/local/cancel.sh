#!/usr/bin/env bash
# Cancels jobs that submit.sh started, by the name it recorded them under (scoring, retraining, or
# the --name given to submit.sh), over the REST API (PATCH /jobs/:id?mode=cancel).
# Usage: deploy/local/cancel.sh NAME...
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require curl jq

[[ $# -gt 0 ]] || die "usage: cancel.sh NAME... (the names submit.sh recorded: $(ls "$STATE_DIR/jobs" 2>/dev/null | sed 's/\.jobid$//' | tr '\n' ' '))"
flink_get /overview >/dev/null || die "no Flink REST API at $REST; run start.sh first"
for name in "$@"; do
    file="$STATE_DIR/jobs/$name.jobid"
    [[ -f "$file" ]] || die "no job recorded as '$name' in $STATE_DIR/jobs"
    id="$(cat "$file")"
    state="$(job_state "$id")"
    if [[ -n "$state" && $state != CANCELED && $state != FAILED && $state != FINISHED ]]; then
        curl -sS --fail --max-time 30 -X PATCH "$REST/jobs/$id?mode=cancel" >/dev/null \
            || die "cancelling job $id ($name) failed"
        log "Cancelled $name ($id, was $state)"
    else
        log "$name ($id) is not running (${state:-unknown to the cluster})"
    fi
    rm -f "$file"
done
