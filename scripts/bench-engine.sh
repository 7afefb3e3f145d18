#!/usr/bin/env bash
# The engine end to end, next to the bare consume-transform-produce pipe
# (../shared/tools/kafka-pipebench.c) on the same embedded broker in the same run.
#
# For each offered load (0 = as fast as possible), a fresh `streamrec run` consumes
# a MovieLens log offered by `streamrec-bench engine-load`, which reads the
# recommendations on its own consumer and prints events/s end to end and the
# latency from an event's produce time to the receipt of the update it caused.
# At a fixed load the bare pipe's source-to-sink latency at the same load is
# measured first, as the latency's denominator.
# Peak RSS of the engine process is read from /proc before it stops.
#
#   scripts/bench-engine.sh [FILE] [MODEL] [N_MAX]
#   e.g. scripts/bench-engine.sh ../shared/data/movielens-1m-partial-users-1-2999/ratings.dat hybrid 200000
#
# REPEAT=N runs the full-speed case N times, each right after a bare-pipe run of
# its own on fresh topics, and prints every pair's ratio and their median: the
# bare pipe's rate alone moves by a fifth (at times by half) between runs on a
# shared machine; the medians of the engine's rate and phase times follow.
# ENGINE_ARGS adds arguments to `streamrec run` (e.g. "-X queued.max.messages.kbytes=8192").
# ENGINE_BIN runs another build of the engine (A/B comparisons); HTTP_ARGS= (empty)
# for a build older than the HTTP API, which has no --http (each engine otherwise
# serves HTTP on a free port, as instances on one machine must).
# INSTANCES=2 runs two engines in one consumer group (peak RSS is the larger one).
# ENGINE_LOG_LEVEL=debug also prints each checkpoint's size and durations.
# ENGINE_PREFIX runs the engine under a profiler, e.g.
#   ENGINE_PREFIX="perf record -g -o /tmp/engine.perf --" LOADS=0 scripts/bench-engine.sh
set -euo pipefail
cd "$(dirname "$0")/.."

FILE=${1:-../shared/data/movielens-100k/u.data}
MODEL=${2:-hybrid}
N_MAX=${3:-100000}           # the embedded broker keeps ~5 MiB per partition: stay under it
PIPE_N=${PIPE_N:-300000}
LOADS=${LOADS:-"0 5000 20000"}
SECONDS_PER_LOAD=${SECONDS_PER_LOAD:-15}
INSTANCES=${INSTANCES:-1}     # engines in one consumer group
REPEAT=${REPEAT:-1}           # full-speed runs, each paired with a bare-pipe run
PIPEBENCH_SRC=${PIPEBENCH_SRC:-../shared/tools/kafka-pipebench.c}

swift build -c release --product streamrec >/dev/null
swift build -c release --product streamrec-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
cc -O2 -o "$BIN/kafka-pipebench" "$PIPEBENCH_SRC" -lrdkafka
WORK=$(mktemp -d)

# One run per offered load, REPEAT of them at full speed; RUN names a run's topics.
RUNS=()
for load in $LOADS; do
  if [ "$load" = 0 ]; then
    for r in $(seq 1 "$REPEAT"); do RUNS+=("0-$r"); done
  else
    RUNS+=("$load")
  fi
done
topics=()
for run in "${RUNS[@]}"; do
  topics+=(--topic "l$run.events:6" --topic "l$run.dlq:3" --topic "l$run.recs:6" --topic "l$run.changelog:6")
  topics+=(--topic "pipe-in-$run:6" --topic "pipe-out-$run:6")
done
"$BIN/streamrec" broker --no-address-file "${topics[@]}" >"$WORK/broker.out" 2>"$WORK/broker.err" &
BROKER=$!
ENGINE=
trap 'kill $BROKER $ENGINE 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/broker.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$WORK/broker.out")
echo "broker $ADDR; file $FILE; model $MODEL"

SETTINGS="fetch.wait.max.ms=5,linger.ms=5,compression.type=lz4,enable.idempotence=true,queued.min.messages=1000000"
# The denominator: consume -> one output per input -> produce, at full speed.
pipe_rate() {
  local run=$1
  "$BIN/kafka-pipebench" pipe "$ADDR" "pipe-in-$run" "pipe-out-$run" "pipe-g-$run" "$PIPE_N" batch "$SETTINGS" >"$WORK/pipe-$run.out" 2>&1 &
  local pipe=$!
  for _ in $(seq 1 200); do grep -q READY "$WORK/pipe-$run.out" && break; sleep 0.1; done
  "$BIN/kafka-pipebench" produce "$ADDR" "pipe-in-$run" "$PIPE_N" 0 "$SETTINGS" >"$WORK/pipe-produce-$run.out" 2>&1
  wait $pipe
  echo "bare pipe: $(grep -v READY "$WORK/pipe-$run.out" | grep -v CONFWARN | tr '\n' ' ')" >&2
  grep -o 'msgs/s=[0-9.]*' "$WORK/pipe-$run.out" | head -1 | cut -d= -f2
}

# The bare pipe's source-to-sink latency at an offered load: the latency denominator.
# Poll mode: batch mode waits up to BATCH_MS (100) to fill a batch.
pipe_latency() {
  local load=$1 n=$2
  "$BIN/kafka-pipebench" consume "$ADDR" "pipe-out-$load" "sink-$load" "$n" poll "$SETTINGS" >"$WORK/sink-$load.out" 2>&1 &
  local sink=$!
  "$BIN/kafka-pipebench" pipe "$ADDR" "pipe-in-$load" "pipe-out-$load" "pipe-$load" "$n" poll "$SETTINGS" >"$WORK/pipe-lat-$load.out" 2>&1 &
  local pipe=$!
  for _ in $(seq 1 200); do grep -q READY "$WORK/sink-$load.out" && grep -q READY "$WORK/pipe-lat-$load.out" && break; sleep 0.1; done
  "$BIN/kafka-pipebench" produce "$ADDR" "pipe-in-$load" "$n" "$load" "$SETTINGS" >/dev/null 2>&1
  wait $pipe $sink || true
  echo "  bare pipe at $load/s: $(grep latency_ms "$WORK/sink-$load.out")"
}

# CPU time (clock ticks) of the running engines, all their threads.
cpu_ticks() { local t=0; for pid in "${ENGINES[@]}"; do t=$((t + $(awk '{ print $14 + $15 }' /proc/$pid/stat))); done; echo $t; }

RATIOS=()
RATES=()
APPLY_MS=()
RANK_MS=()
for run in "${RUNS[@]}"; do
  load=${run%%-*}
  if [ "$load" = 0 ]; then n=$N_MAX; else n=$((load * SECONDS_PER_LOAD)); fi
  [ "$n" -gt "$N_MAX" ] && n=$N_MAX
  if [ "$load" = 0 ]; then PIPE_RATE=$(pipe_rate "$run"); else pipe_latency "$load" "$n"; fi
  # INSTANCES engines in one consumer group share the partitions, as a scaled-out
  # deployment would: each owns its users' state.
  ENGINES=()
  for k in $(seq 1 "$INSTANCES"); do
    STREAMREC_TOPIC_EVENTS=l$run.events STREAMREC_TOPIC_DEAD_LETTER=l$run.dlq STREAMREC_TOPIC_RECOMMENDATIONS=l$run.recs \
      STREAMREC_TOPIC_CHANGELOG=l$run.changelog \
      ${ENGINE_PREFIX:-} "${ENGINE_BIN:-$BIN/streamrec}" run -b "$ADDR" --group "eng-$run" --model "$MODEL" --state-dir "$WORK/state-$run-$k" \
      --status-interval 0 --log-level "${ENGINE_LOG_LEVEL:-info}" -X fetch.wait.max.ms=5 ${HTTP_ARGS---http 127.0.0.1:0} ${ENGINE_ARGS:-} \
      >"$WORK/engine-$run-$k.out" 2>"$WORK/engine-$run-$k.err" &
    ENGINES+=($!)
    ENGINE="${ENGINES[*]}"
    # The newest member's first assignment ends the rebalance its joining caused.
    for _ in $(seq 1 300); do grep -q "assigned" "$WORK/engine-$run-$k.err" && break; sleep 0.1; done
  done
  CPU_BEFORE=$(cpu_ticks)
  "$BIN/streamrec-bench" engine-load --bootstrap "$ADDR" --file "$FILE" --limit "$n" --rate "$load" \
    --events-topic "l$run.events" --recommendations-topic "l$run.recs" | tee "$WORK/load-$run.out"
  CPU_US_PER_EVENT=$(( ($(cpu_ticks) - CPU_BEFORE) * 1000000 / $(getconf CLK_TCK) / n ))
  RSS=0
  for pid in "${ENGINES[@]}"; do
    r=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status)
    [ "$r" -gt "$RSS" ] && RSS=$r
  done
  kill -TERM "${ENGINES[@]}"; wait "${ENGINES[@]}" || true; ENGINE=
  grep -ho "users moved .*" "$WORK"/engine-"$run"-*.err | sed "s/^/  /" || true
  # With ENGINE_LOG_LEVEL=debug: each checkpoint's size and encode/write times
  # (off the event loop, but for the final one).
  cat "$WORK"/engine-"$run"-*.err | grep -o 'checkpoint (.*' | sed 's/^/  /' || true
  RATE=$(sed -n 's/.* events_per_s=\([0-9]*\).*/\1/p' "$WORK/load-$run.out")
  if [ "$load" = 0 ]; then
    RATIO=$(awk -v a="$RATE" -v b="$PIPE_RATE" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
    RATIOS+=("$RATIO")
    RATES+=("$RATE")
    # The engine's own phase times (first instance), steadier than the ratio.
    APPLY_MS+=("$(grep -ho 'apply [0-9]* ms' "$WORK/engine-$run-1.err" | grep -o '[0-9]*' | tail -1)")
    RANK_MS+=("$(grep -ho 'rank and send [0-9]* ms' "$WORK/engine-$run-1.err" | grep -o '[0-9]*' | tail -1)")
    echo "  offered max, $INSTANCES instance(s): engine peak RSS $((RSS / 1024)) MiB, CPU ${CPU_US_PER_EVENT} µs/event; end-to-end ${RATE} events/s = $RATIO of the bare pipe"
  else
    echo "  offered $load/s, $INSTANCES instance(s): engine peak RSS $((RSS / 1024)) MiB, CPU ${CPU_US_PER_EVENT} µs/event; sustained ${RATE} events/s; latency above, bare pipe's before it"
  fi
done
# "sorted values (median M)" of the arguments.
sorted_median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1; printf "%s ", $1 } END { printf "(median %s)", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
if [ "${#RATIOS[@]}" -gt 1 ]; then
  echo "full speed over ${#RATIOS[@]} paired runs: ratios $(sorted_median "${RATIOS[@]}")"
  # The bare pipe's own rate moves by up to a factor of two between runs, which the
  # ratios carry; the engine's rate and phase times (ms per run of N_MAX events) do not.
  echo "  engine events/s $(sorted_median "${RATES[@]}"); apply ms $(sorted_median "${APPLY_MS[@]}"); rank and send ms $(sorted_median "${RANK_MS[@]}")"
fi
