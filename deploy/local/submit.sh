#!/usr/bin/env bash
# Submits the scoring and/or retraining job to the local session cluster over the REST API:
# uploads jobs/target/sgn-flink-job.jar (POST /jars/upload), then POST /jars/:id/run with the
# entry class and program arguments. Both jobs sign/verify model updates with a key generated
# once in the state dir (model-signing.key, mode 600).
# Usage: deploy/local/submit.sh [scoring|retraining|both] [--input-topic T] [--model FILE]
#                               [--name NAME] [-- extra job options]
# Without --model the scoring job starts in warm-up (WARMUP records, no scores) and the retraining
# job trains the first model from the stream. A job already submitted under the same name must be
# cancelled first (cancel.sh NAME).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require curl jq

which_jobs=both
input_topic=sgn-events
model=""
name=""
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        scoring | retraining | both) which_jobs=$1 ;;
        --input-topic) input_topic=$2; shift ;;
        --model) model=$2; shift ;;
        --name) name=$2; shift ;;
        --) shift; extra=("$@"); break ;;
        *) die "unknown argument '$1' (usage: submit.sh [scoring|retraining|both] [--input-topic T] [--model FILE] [--name NAME] [-- job options])" ;;
    esac
    shift
done
if [[ $which_jobs == both && ${#extra[@]} -gt 0 ]]; then
    die "options after -- go to every job submitted, and most belong to one job only; submit the jobs one at a time: submit.sh scoring [...] -- OPTIONS; submit.sh retraining [...] -- OPTIONS"
fi
[[ -f "$JOB_JAR" ]] || die "$JOB_JAR not found; build it with: mvn -B -q package -DskipTests"
flink_get /overview >/dev/null || die "no Flink REST API at $REST; run start.sh first"
[[ -z "$model" || -r "$model" ]] || die "model file '$model' is not readable"
# A second copy of a job would share the first one's consumer group and transactional ids and
# write every output twice.
for job_name in $([[ $which_jobs == both ]] && echo scoring retraining || echo "$which_jobs"); do
    recorded="$STATE_DIR/jobs/${name:-$job_name}.jobid"
    if [[ -f "$recorded" ]]; then
        state="$(job_state "$(cat "$recorded")")"
        case "$state" in
            "" | CANCELED | FAILED | FINISHED) ;;
            *) die "${name:-$job_name} is already submitted (job $(cat "$recorded"), $state); cancel it first with: deploy/local/cancel.sh ${name:-$job_name}" ;;
        esac
    fi
done
if [[ -z "$model" && $which_jobs != retraining ]]; then
    log "No --model: the scoring job emits WARMUP records (no score) until the retraining job publishes its first model, which needs one event-time window (default 10 min) with --min-events (default 200) events"
fi

key="$STATE_DIR/model-signing.key"
if [[ ! -s "$key" ]]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$key")
    log "Generated the model signing key $key"
fi
store="$STATE_DIR/models/${name:-retraining}"
mkdir -p "$STATE_DIR/jobs" "$store"
if [[ $input_topic == sgn-events ]]; then
    [[ -f "$CLI_JAR" ]] || die "$CLI_JAR not found; build it with: mvn -B -q package -DskipTests"
    # The jobs' default topics: sgn-events, -scores, -anomalies, -dead-letters, -model-updates,
    # and -retrain-decisions.
    "$JAVA" -jar "$CLI_JAR" fault-check topics --bootstrap-servers "$BOOTSTRAP" --prefix sgn >/dev/null \
        || die "creating the sgn-* topics on $BOOTSTRAP failed"
fi

# One uploaded copy of the jar at a time: earlier uploads (25 MB each) go first. Running jobs keep
# what they were submitted with.
for old_jar in $(flink_get /jars | jq -r --arg n "$(basename "$JOB_JAR")" '.files[] | select(.name == $n) | .id'); do
    curl -sS --fail --max-time 30 -X DELETE "$REST/jars/$old_jar" >/dev/null || true
done
upload="$(curl -sS --fail --max-time 120 -X POST -H "Expect:" \
    -F "jarfile=@$JOB_JAR;type=application/x-java-archive" "$REST/jars/upload")" \
    || die "uploading $JOB_JAR to $REST/jars/upload failed"
jar_id="$(echo "$upload" | jq -r '.filename' | xargs basename)"
[[ -n "$jar_id" && "$jar_id" != null ]] || die "unexpected upload answer: $upload"
log "Uploaded $(basename "$JOB_JAR") as $jar_id"

# run NAME ENTRY_CLASS ARGS...: runs the jar; records the job id in the state dir.
run() {
    local job_name=$1 entry=$2 body answer job_id
    shift 2
    body="$(jq -n --arg entry "$entry" --args '{entryClass: $entry, programArgsList: $ARGS.positional}' -- "$@")"
    answer="$(curl -sS --max-time 300 -X POST -H 'Content-Type: application/json' -d "$body" \
        "$REST/jars/$jar_id/run")" || die "POST /jars/$jar_id/run failed for $job_name"
    job_id="$(echo "$answer" | jq -r '.jobid // empty')"
    if [[ -z "$job_id" ]]; then
        # The command's own error (thrown by the job's main) sits inside Flink's stack trace.
        reason="$(echo "$answer" | jq -r '.errors[]? // empty' | grep -o -m1 -E '[a-z-]+ failed \(exit code [0-9]+\): .*' || true)"
        die "$job_name was not submitted: ${reason:-$(echo "$answer" | jq -r '.errors // . | tostring' | head -c 2000)}"
    fi
    echo "$job_id" >"$STATE_DIR/jobs/$job_name.jobid"
    log "Submitted $job_name as job $job_id"
    echo "{\"job\":\"$job_name\",\"jobId\":\"$job_id\"}"
}

common=(--bootstrap-servers "$BOOTSTRAP" --input-topic "$input_topic"
    --model-signing-key-file "$key" --detached)
[[ -n "$model" ]] && common+=(--model "$(cd "$(dirname "$model")" && pwd)/$(basename "$model")")
if [[ $which_jobs == scoring || $which_jobs == both ]]; then
    run "${name:-scoring}" io.sgnflow.jobs.scoring.ScoringJob "${common[@]}" --parallelism 2 "${extra[@]}"
fi
if [[ $which_jobs == retraining || $which_jobs == both ]]; then
    run "${name:-retraining}" io.sgnflow.jobs.retrain.RetrainingJob "${common[@]}" \
        --model-store "file://$store" --decisions-topic sgn-retrain-decisions "${extra[@]}"
fi
