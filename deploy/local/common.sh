#!/usr/bin/env bash
# Settings and helpers shared by the local-cluster scripts; sourced by them, not run.
# Everything listens on 127.0.0.1 only. Override ports and paths with the SGN_* variables.
set -euo pipefail

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LOCAL_DIR/../.." && pwd)"
STATE_DIR="${SGN_STATE_DIR:-$LOCAL_DIR/.state}"
HOST=127.0.0.1
KAFKA_PORT="${SGN_KAFKA_PORT:-39092}"
KAFKA_CONTROLLER_PORT="${SGN_KAFKA_CONTROLLER_PORT:-39093}"
FLINK_REST_PORT="${SGN_FLINK_REST_PORT:-38081}"
FLINK_RPC_PORT="${SGN_FLINK_RPC_PORT:-36123}"
TASK_MANAGERS="${SGN_TASK_MANAGERS:-2}"
SLOTS_PER_TM="${SGN_SLOTS_PER_TM:-3}"
JAVA="${JAVA:-java}"
JOB_JAR="${SGN_JOB_JAR:-$REPO_DIR/jobs/target/sgn-flink-job.jar}"
CLI_JAR="${SGN_CLI_JAR:-$REPO_DIR/jobs/target/sgn-flink.jar}"
REST="http://$HOST:$FLINK_REST_PORT"
BOOTSTRAP="$HOST:$KAFKA_PORT"

# The module flags of Flink's default config.yaml (env.java.default-opts.all): Flink on Java 17
# reflects into these JDK packages.
FLINK_JAVA_OPTS=(
    --add-exports=java.base/sun.net.util=ALL-UNNAMED
    --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens=java.base/java.text=ALL-UNNAMED
    --add-opens=java.base/java.time=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
    -Djava.net.preferIPv4Stack=true
    # The JDK Vector API, for the SIMD scoring kernel (the scalar one serves without it).
    --add-modules=jdk.incubator.vector
)

die() {
    echo "error: $*" >&2
    exit 1
}

log() {
    echo "[$(date +%H:%M:%S)] $*" >&2
}

require() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
    done
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

pid_alive() {
    local file="$STATE_DIR/pids/$1.pid"
    [[ -f "$file" ]] && kill -0 "$(cat "$file")" 2>/dev/null
}

# wait_port PORT NAME LOG SECONDS: waits for a listener; fails with the log tail if the process dies.
wait_port() {
    local port=$1 name=$2 logfile=$3 seconds=$4 i
    for ((i = 0; i < seconds * 2; i++)); do
        port_open "$port" && return 0
        if ! pid_alive "$name"; then
            tail -n 30 "$logfile" >&2 || true
            die "$name exited before listening on $HOST:$port (log: $logfile)"
        fi
        sleep 0.5
    done
    tail -n 30 "$logfile" >&2 || true
    die "$name not listening on $HOST:$port after ${seconds}s (log: $logfile)"
}

# classpath KIND: the runtime classpath of deploy/local/classpath/KIND/pom.xml, resolved by Maven
# once and cached in the state dir (SGN_MVN_OFFLINE=1 adds -o).
classpath() {
    local kind=$1 file="$STATE_DIR/$1.classpath"
    if [[ ! -s "$file" ]]; then
        log "Resolving the $kind classpath with Maven"
        # Maven's output only when it fails (Debian's Maven prints colour codes even when quiet).
        local output
        output="$(mvn -B -q ${SGN_MVN_OFFLINE:+-o} -f "$LOCAL_DIR/classpath/$kind/pom.xml" \
            dependency:build-classpath -Dmdep.outputFile="$file" 2>&1)" \
            || { echo "$output" >&2; die "could not resolve the $kind classpath (see the Maven output above)"; }
    fi
    cat "$file"
}

# flink_get PATH: GET on the Flink REST API.
flink_get() {
    curl -sS --fail --max-time 10 "$REST$1"
}

# job_state ID: the job's state (RUNNING, CANCELED, ...), or nothing when the cluster does not know it.
job_state() {
    flink_get "/jobs/$1" 2>/dev/null | jq -r '.state // empty' || true
}
