#!/usr/bin/env bash
# Fault test on the local cluster: streams N events through the scoring job (exactly-once sinks,
# checkpoints every 2 s), kills one TaskManager with SIGKILL mid-stream, waits for the job to run
# again, brings the TaskManager back, and checks the read_committed outputs: exactly one output per
# input, no duplicate ids. Starts the cluster if it is not running (and stops it again at the end).
# The last line of stdout is JSON: produced, outputs, duplicates, lost, recoverySeconds.
# Exit code 1 if anything was lost or duplicated, 2 for bad usage or a failed step.
# Usage: deploy/local/fault-test.sh [--events N] [--rate EVENTS_PER_S]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require curl jq "$JAVA"
events=200000
rate=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --events) events=$2; shift ;;
        --rate) rate=$2; shift ;;
        *) echo "usage: fault-test.sh [--events N] [--rate EVENTS_PER_S]" >&2; exit 2 ;;
    esac
    shift
done
[[ "$events" =~ ^[0-9]+$ && "$events" -gt 0 ]] || die "--events must be a positive integer"
# Default: the stream lasts about 40 s (at least 20 s), so the kill lands mid-stream.
rate="${rate:-$(( events / 40 > 500 ? events / 40 : 500 ))}"
[[ -f "$CLI_JAR" && -f "$JOB_JAR" ]] || die "build first: mvn -B -q package -DskipTests"

started_here=false
if ! flink_get /overview >/dev/null 2>&1; then
    "$LOCAL_DIR/start.sh"
    started_here=true
fi
prefix="ft-$(date +%s)"
work="$STATE_DIR/fault-test/$prefix"
mkdir -p "$work"
cli() { "$JAVA" -Xmx512m -jar "$CLI_JAR" fault-check "$@" --bootstrap-servers "$BOOTSTRAP" --prefix "$prefix"; }
job_id=""
cleanup() {
    [[ -n "$job_id" ]] && curl -s -X PATCH "$REST/jobs/$job_id?mode=cancel" >/dev/null 2>&1 || true
    [[ -n "${producer_pid:-}" ]] && kill "$producer_pid" 2>/dev/null || true
    if $started_here; then "$LOCAL_DIR/stop.sh" >&2 || true; fi
}
trap cleanup EXIT

log "Run $prefix: $events events at $rate/s"
cli topics >/dev/null
cli model --out "$work/model.sgn.json" >/dev/null
submitted="$("$LOCAL_DIR/submit.sh" scoring --name "$prefix" --input-topic "$prefix-events" \
    --model "$work/model.sgn.json" -- \
    --scores-topic "$prefix-scores" --anomalies-topic "$prefix-anomalies" \
    --dead-letter-topic "$prefix-dead-letters" --model-updates-topic "$prefix-model-updates" \
    --group-id "$prefix" --transactional-id-prefix "$prefix" --starting-offsets earliest \
    --checkpoint-interval-ms 2000 --transaction-timeout-ms 120000 | tail -n 1)"
job_id="$(echo "$submitted" | jq -r .jobId)"

all_running() {
    flink_get "/jobs/$job_id" 2>/dev/null \
        | jq -e '.state == "RUNNING" and ([.vertices[].status] | all(. == "RUNNING"))' >/dev/null 2>&1
}
for ((i = 0; i < 240; i++)); do all_running && break; sleep 0.5; done
all_running || die "job $job_id did not reach RUNNING"

# The victim is a TaskManager that runs tasks of this job (the resource id names the process).
victim="$(flink_get "/jobs/$job_id" | jq -r '.vertices[] | select(.name | startswith("score")) | .id' \
    | head -n 1 | xargs -I{} curl -sS --fail "$REST/jobs/$job_id/vertices/{}/taskmanagers" \
    | jq -r '[.taskmanagers[]."taskmanager-id"] | sort | .[0]')"
[[ "$victim" =~ ^taskmanager-[0-9]+$ ]] || die "could not find a TaskManager running the job (got '$victim')"
pid="$(cat "$STATE_DIR/pids/$victim.pid")"

# Recovery needs free slots outside the victim for every task the victim holds, this job's and
# any other job's (submit.sh's two jobs take half of the default cluster). Without them the job
# would wait for the victim to come back, which tests nothing, so add a spare TaskManager, as a
# standalone cluster kept for failover would have.
slots="$(flink_get /taskmanagers)"
held="$(echo "$slots" | jq --arg v "$victim" '[.taskmanagers[] | select(.id == $v) | .slotsNumber - .freeSlots] | add // 0')"
spare_free="$(echo "$slots" | jq --arg v "$victim" '[.taskmanagers[] | select(.id != $v) | .freeSlots] | add // 0')"
if (( held > spare_free )); then
    n=$(( TASK_MANAGERS + 1 ))
    while [[ -e "$STATE_DIR/pids/taskmanager-$n.pid" ]]; do n=$(( n + 1 )); done
    log "$victim holds $held slots and the other TaskManagers have $spare_free free: adding taskmanager-$n as a spare (stop.sh stops it)"
    registered_before="$(echo "$slots" | jq '.taskmanagers | length')"
    "$LOCAL_DIR/taskmanager.sh" "$n"
    for ((i = 0; i < 120; i++)); do
        [[ "$(flink_get /taskmanagers 2>/dev/null | jq '.taskmanagers | length' 2>/dev/null || echo 0)" \
            -gt "$registered_before" ]] && break
        sleep 0.5
    done
    (( $(flink_get /taskmanagers | jq '.taskmanagers | length') > registered_before )) \
        || die "spare taskmanager-$n did not register (log: $STATE_DIR/logs/taskmanager-$n.log)"
fi

cli produce --events "$events" --rate "$rate" >"$work/produce.json" 2>"$work/produce.log" &
producer_pid=$!
sleep "$(( events / rate / 2 ))"

log "SIGKILL $victim (pid $pid) mid-stream"
killed_ms=$(date +%s%3N)
kill -9 "$pid"
# Recovered = the job restarted after the kill and every task is RUNNING again.
recovered() {
    flink_get "/jobs/$job_id" 2>/dev/null | jq -e --argjson k "$killed_ms" \
        '.timestamps.RESTARTING > $k and .state == "RUNNING"
         and ([.vertices[].status] | all(. == "RUNNING"))' >/dev/null 2>&1
}
for ((i = 0; i < 1200; i++)); do recovered && break; sleep 0.1; done
recovered || die "job $job_id did not restart and recover within about 2 minutes of the kill"
recovery="$(awk -v now="$(date +%s%3N)" -v killed="$killed_ms" 'BEGIN { printf "%.1f", (now - killed) / 1000 }')"
log "Job running again after $(printf '%.1f' "$recovery")s; restarting $victim"
rm -f "$STATE_DIR/pids/$victim.pid"
"$LOCAL_DIR/taskmanager.sh" "${victim#taskmanager-}"

wait "$producer_pid" || die "producing failed (log: $work/produce.log)"
producer_pid=""
log "Produced $events; verifying read_committed outputs"
set +e
cli verify --events "$events" --timeout-s 600 >"$work/verify.json" 2>"$work/verify.log"
verdict=$?
set -e
result="$(tail -n 1 "$work/verify.json")"
[[ -n "$result" ]] || die "verify printed nothing (log: $work/verify.log)"
echo "$result" | jq -c --argjson r "$(printf '%.1f' "$recovery")" \
    '{produced, outputs, duplicates, lost, recoverySeconds: $r}'
exit "$verdict"
