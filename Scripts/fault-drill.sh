#!/usr/bin/env bash
# Fault drills on real processes: `grafos node` agents on loopback run `grafos demo --fabric tcp://…` jobs while
# this script kills nodes and coordinators with SIGKILL at random points and stalls nodes with SIGSTOP past their
# lease TTL. Every round must end with the job verified (exit 0, every file verified) or cleanly failed (exit 1 with
# its failures reported) — never a crash or a hang — and, within one TTL of the round's end, every node must report
# 0 CPU leases, 0 block leases and 0 running tasklets.
#
# Usage: Scripts/fault-drill.sh [--rounds N] [--nodes N] [--seed S] [--ttl SECONDS] [--files F] [--grafos PATH]
#                               [--work DIR] [--quiet]
#   --rounds N    drill rounds (default 50)
#   --nodes N     node processes, 4 cores each (default 4)
#   --seed S      seeds the choice of faults, victims and delays (default 1); a failing round prints its seed
#   --ttl S       the coordinator's lease TTL in seconds (default 1)
#   --files F     corpus files per job (default 40: 160 chunks and 40 verifications), taken from ./Sources
#   --grafos PATH the binary (default .build/release/grafos when present, else .build/debug/grafos)
#   --work DIR    logs and the secret (default: a fresh temporary directory)
#   --only LIST   draw faults only from LIST, comma-separated: kill-node,kill-coordinator,stall-node,none
# GRAFOS_DRILL_HANG_SECONDS (default 120): a job still running after this long is a hang; its threads are dumped.
# Exit status: 0 when every round passed; 1 otherwise (the failing rounds' logs are kept in --work).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS=50
NODES=4
SEED=1
TTL=1
FILES=40
GRAFOS=""
WORK=""
QUIET=0
ONLY=""
HANG_SECONDS=${GRAFOS_DRILL_HANG_SECONDS:-120}
while [ $# -gt 0 ]; do
    case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --nodes) NODES="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --ttl) TTL="$2"; shift 2 ;;
    --files) FILES="$2"; shift 2 ;;
    --grafos) GRAFOS="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --quiet) QUIET=1; shift ;;
    --only) ONLY="$2"; shift 2 ;;
    *) sed -n '8,20p' "$0" >&2; exit 2 ;;
    esac
done
if [ -z "$GRAFOS" ]; then
    if [ -x "$ROOT/.build/release/grafos" ]; then GRAFOS="$ROOT/.build/release/grafos"; else GRAFOS="$ROOT/.build/debug/grafos"; fi
fi
[ -x "$GRAFOS" ] || { echo "fault-drill: no grafos binary at $GRAFOS (swift build first)" >&2; exit 2; }
[ "$NODES" -ge 2 ] || { echo "fault-drill: --nodes must be at least 2" >&2; exit 2; }
WORK="${WORK:-$(mktemp -d /tmp/grafos-fault-drill.XXXXXX)}"
mkdir -p "$WORK"
SECRET="$WORK/secret"
printf 'fault-drill-%s-%s\n' "$SEED" "$$" > "$SECRET"
RANDOM=$SEED
cd "$ROOT"

say() { [ "$QUIET" = 1 ] || echo "$@"; }
millis() { date +%s%3N; }

declare -a PIDS PORTS
start_node() {  # start_node INDEX [PORT]: starts node INDEX (on PORT, or a free port) and waits until it listens
    local index=$1 port=${2:-0} log="$WORK/node$1.log"
    "$GRAFOS" node --listen "127.0.0.1:$port" --cores 4 --storage 64M --secret-file "$SECRET" --name "n$index" \
        > "$log" 2>> "$WORK/node$index.err" &
    PIDS[$index]=$!
    for _ in $(seq 1 200); do
        # The whole first line, port and the words after it (a line still being written would give half a port).
        bound=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) with .*/\1/p' "$log" 2> /dev/null | head -n 1)
        if [ -n "$bound" ]; then
            PORTS[$index]=$bound
            return 0
        fi
        kill -0 "${PIDS[$index]}" 2> /dev/null || break
        sleep 0.05
    done
    echo "fault-drill: node $index did not start (port $port): $(cat "$WORK/node$index.err" 2> /dev/null)" >&2
    return 1
}
stop_all() {
    for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2> /dev/null; kill -9 "$pid" 2> /dev/null; done
    { wait; } 2> /dev/null
}
trap stop_all EXIT

# status_total INDEX: "cpu block tasklets" leases of node INDEX, or "down".
status_total() {
    local out
    out=$("$GRAFOS" node status "127.0.0.1:${PORTS[$1]}" --secret-file "$SECRET" 2> /dev/null) || { echo down; return; }
    echo "$(awk '/^cpu leases/ {c=$3} /^block leases/ {b=$3} /^tasklets running/ {t=$3} END {print c, b, t}' <<< "$out")"
}

for index in $(seq 0 $((NODES - 1))); do start_node "$index" || exit 1; done
spec=$(for index in $(seq 0 $((NODES - 1))); do printf 'tcp://127.0.0.1:%s,' "${PORTS[$index]}"; done)
spec=${spec%,}
say "fault drill: $ROUNDS rounds, $NODES nodes, seed $SEED, TTL ${TTL}s, $FILES files per job, $GRAFOS"

# A warm-up job without faults measures how long a job takes here, so that faults land while jobs run.
"$GRAFOS" demo --fabric "$spec" --secret-file "$SECRET" --ttl "$TTL" --workers 4 --chunks "$FILES" --json \
    > "$WORK/warmup.out" 2> "$WORK/warmup.err" || { echo "fault-drill: the warm-up job failed: $(cat "$WORK/warmup.err")" >&2; exit 1; }
job_ms=$(sed -n 's/.*"wall_ms":\([0-9]*\).*/\1/p' "$WORK/warmup.out")
job_ms=${job_ms:-500}
say "warm-up job: ${job_ms} ms; faults land 20 ms to $((job_ms + 20)) ms into each job"

names=(kill-node kill-coordinator stall-node none)
declare -A outcomes
failures=0
midjob=0
started=$(millis)
for round in $(seq 1 "$ROUNDS"); do
    scenario=$((RANDOM % 4))
    if [ -n "$ONLY" ]; then
        allowed=(); for index in 0 1 2 3; do [[ ",$ONLY," == *",${names[$index]},"* ]] && allowed+=("$index"); done
        [ "${#allowed[@]}" -gt 0 ] || { echo "fault-drill: --only names none of: ${names[*]}" >&2; exit 2; }
        scenario=${allowed[$((scenario % ${#allowed[@]}))]}
    fi
    victim=$((RANDOM % NODES))
    delay_ms=$((20 + RANDOM % (job_ms + 1)))
    log="$WORK/round$round"
    GRAFOS_DEMO_WATCHDOG=10 "$GRAFOS" demo --fabric "$spec" --secret-file "$SECRET" --ttl "$TTL" --workers 4 --chunks "$FILES" \
        --seed "$round" --json > "$log.out" 2> "$log.err" &
    coordinator=$!
    # A watchdog instead of timeout(1): killing a timeout process would leave its child running. A hung coordinator's
    # threads are dumped with gdb or lldb (when there is one) before it is killed.
    (
        sleep "$HANG_SECONDS"
        if kill -0 "$coordinator" 2> /dev/null; then
            echo hung > "$log.hung"
            if command -v gdb > /dev/null; then
                gdb -p "$coordinator" -batch -ex 'thread apply all bt' > "$log.backtrace" 2>&1
            elif command -v lldb > /dev/null; then
                lldb -p "$coordinator" --batch -o 'thread backtrace all' > "$log.backtrace" 2>&1
            fi
            kill -9 "$coordinator" 2> /dev/null
        fi
    ) &
    watchdog=$!
    sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
    running=0
    kill -0 "$coordinator" 2> /dev/null && running=1
    case $scenario in
    0) kill -9 "${PIDS[$victim]}" 2> /dev/null ;;
    1) kill -9 "$coordinator" 2> /dev/null ;;
    2) kill -STOP "${PIDS[$victim]}"; sleep $((TTL * 2)).5; kill -CONT "${PIDS[$victim]}" ;;
    esac
    [ "$scenario" != 3 ] && [ "$running" = 1 ] && midjob=$((midjob + 1))
    { wait "$coordinator"; } 2> /dev/null
    rc=$?
    kill "$watchdog" 2> /dev/null
    { wait "$watchdog"; } 2> /dev/null
    [ -f "$log.hung" ] && rc=124
    ended=$(millis)
    if [ "$scenario" = 0 ]; then
        { wait "${PIDS[$victim]}"; } 2> /dev/null
        start_node "$victim" "${PORTS[$victim]}" || { failures=$((failures + 1)); break; }
    fi

    verdict=""
    case $rc in
    0)
        if grep -q "\"verified_files\":$FILES," "$log.out"; then
            outcome=verified
        else
            verdict="exit 0 but not every file verified or leases left: $(cat "$log.out")"
        fi
        ;;
    1)
        if grep -qE '^(failed:|error:)' "$log.err" || grep -q '"failed_chunks":[1-9]' "$log.out"; then
            outcome="cleanly-failed ($(grep -m 1 -oE '(failed after [0-9]+ attempts \([a-zA-Z]+\): [a-zA-Z]+|error: [a-zA-Z]+)' "$log.err"))"
        else
            verdict="exit 1 without a reported failure"
        fi
        ;;
    137) [ "$scenario" = 1 ] && outcome=coordinator-killed || verdict="killed by a signal nobody sent" ;;
    # (the watchdog's kill is reported as a hang below)
    124) verdict="hung: no result after $HANG_SECONDS s (threads in $log.backtrace)" ;;
    *) verdict="crashed or unexpected exit $rc: $(tail -n 3 "$log.err")" ;;
    esac

    # Within one TTL (plus polling and a second of slack for this busy machine) every node is back to 0 — checked
    # after a failed round too, so that the next round starts from empty nodes.
    if :; then
        deadline=$((ended + TTL * 1000 + 1500))
        while :; do
            busy=""
            for index in $(seq 0 $((NODES - 1))); do
                state=$(status_total "$index")
                if [ "$state" = down ]; then
                    state="down, process $(ps -o stat= -p "${PIDS[$index]}" 2> /dev/null || echo gone)"
                fi
                [ "$state" = "0 0 0" ] || busy="$busy n$index=[$state]"
            done
            [ -z "$busy" ] && break
            if [ "$(millis)" -gt "$deadline" ]; then
                verdict="${verdict:+$verdict; }leases still held $((($(millis) - ended)))ms after the round:$busy"
                # Wait them out (every lease has a TTL), so one failure does not fail the rounds after it.
                sleep $((TTL + 1))
                break
            fi
            sleep 0.1
        done
    fi

    if [ -n "$verdict" ]; then
        failures=$((failures + 1))
        echo "round $round FAILED (${names[$scenario]} n$victim after ${delay_ms}ms; seed $SEED): $verdict" |
            tee -a "$log.err"
        echo "  logs: $log.out $log.err; replay: $0 --seed $SEED --rounds $round --nodes $NODES --ttl $TTL --files $FILES"
    else
        outcomes[${outcome%% *}]=$((${outcomes[${outcome%% *}]:-0} + 1))
        say "round $round: ${names[$scenario]} n$victim after ${delay_ms}ms$([ "$running" = 1 ] && echo " (mid-job)") → $outcome, nodes at 0 leases"
        rm -f "$log.out" "$log.err" "$log.hung" "$log.backtrace"
    fi
done
seconds=$(( ($(millis) - started) / 1000 ))
summary=""
for key in verified cleanly-failed coordinator-killed; do summary="$summary $key ${outcomes[$key]:-0},"; done
echo "fault drill: $ROUNDS rounds in ${seconds}s, $failures failed;${summary% ,} ($midjob faults landed mid-job); seed $SEED"
[ "$failures" = 0 ]
