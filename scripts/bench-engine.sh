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
# ENGINE_ARGS adds arguments to `streamrec run` (e.g. "-X queued.max.messages.kbytes=8192").
# ENGINE_BIN runs another build of the engine (A/B comparisons in one session).
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
PIPEBENCH_SRC=${PIPEBENCH_SRC:-../shared/tools/kafka-pipebench.c}

swift build -c release --product streamrec >/dev/null
swift build -c release --product streamrec-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
cc -O2 -o "$BIN/kafka-pipebench" "$PIPEBENCH_SRC" -lrdkafka
WORK=$(mktemp -d)

topics=(--topic pipe-in:6 --topic pipe-out:6)
for load in $LOADS; do
  topics+=(--topic "l$load.events:6" --topic "l$load.dlq:3" --topic "l$load.recs:6")
  [ "$load" != 0 ] && topics+=(--topic "pipe-in-$load:6" --topic "pipe-out-$load:6")
done
"$BIN/streamrec" broker --no-address-file "${topics[@]}" >"$WORK/broker.out" 2>"$WORK/broker.err" &
BROKER=$!
ENGINE=
trap 'kill $BROKER $ENGINE 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/broker.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$WORK/broker.out")
echo "broker $ADDR; file $FILE; model $MODEL"

# The denominator: consume -> one output per input -> produce, at full speed.
SETTINGS="fetch.wait.max.ms=5,linger.ms=5,compression.type=lz4,enable.idempotence=true,queued.min.messages=1000000"
"$BIN/kafka-pipebench" pipe "$ADDR" pipe-in pipe-out pipe-g "$PIPE_N" batch "$SETTINGS" >"$WORK/pipe.out" 2>&1 &
PIPE=$!
for _ in $(seq 1 200); do grep -q READY "$WORK/pipe.out" && break; sleep 0.1; done
"$BIN/kafka-pipebench" produce "$ADDR" pipe-in "$PIPE_N" 0 "$SETTINGS" >"$WORK/pipe-produce.out" 2>&1
wait $PIPE
PIPE_RATE=$(grep -o 'msgs/s=[0-9.]*' "$WORK/pipe.out" | head -1 | cut -d= -f2)
echo "bare pipe: $(grep -v READY "$WORK/pipe.out" | tr '\n' ' ')"

# The bare pipe's source-to-sink latency at an offered load: the latency denominator.
# Poll mode: batch mode waits up to BATCH_MS (100) to fill a batch.
pipe_latency() {
  local load=$1 n=$2
  "$BIN/kafka-pipebench" consume "$ADDR" "pipe-out-$load" "sink-$load" "$n" poll "$SETTINGS" >"$WORK/sink-$load.out" 2>&1 &
  local sink=$!
  "$BIN/kafka-pipebench" pipe "$ADDR" "pipe-in-$load" "pipe-out-$load" "pipe-$load" "$n" poll "$SETTINGS" >"$WORK/pipe-$load.out" 2>&1 &
  local pipe=$!
  for _ in $(seq 1 200); do grep -q READY "$WORK/sink-$load.out" && grep -q READY "$WORK/pipe-$load.out" && break; sleep 0.1; done
  "$BIN/kafka-pipebench" produce "$ADDR" "pipe-in-$load" "$n" "$load" "$SETTINGS" >/dev/null 2>&1
  wait $pipe $sink || true
  echo "  bare pipe at $load/s: $(grep latency_ms "$WORK/sink-$load.out")"
}

# CPU time (clock ticks) of the running engines, all their threads.
cpu_ticks() { local t=0; for pid in "${ENGINES[@]}"; do t=$((t + $(awk '{ print $14 + $15 }' /proc/$pid/stat))); done; echo $t; }

for load in $LOADS; do
  if [ "$load" = 0 ]; then n=$N_MAX; else n=$((load * SECONDS_PER_LOAD)); fi
  [ "$n" -gt "$N_MAX" ] && n=$N_MAX
  [ "$load" != 0 ] && pipe_latency "$load" "$n"
  # INSTANCES engines in one consumer group share the partitions, as a scaled-out
  # deployment would: each owns its users' state.
  ENGINES=()
  for k in $(seq 1 "$INSTANCES"); do
    STREAMREC_TOPIC_EVENTS=l$load.events STREAMREC_TOPIC_DEAD_LETTER=l$load.dlq STREAMREC_TOPIC_RECOMMENDATIONS=l$load.recs \
      ${ENGINE_PREFIX:-} "${ENGINE_BIN:-$BIN/streamrec}" run -b "$ADDR" --group "eng-$load" --model "$MODEL" --state-dir "$WORK/state-$load-$k" \
      --status-interval 0 --log-level "${ENGINE_LOG_LEVEL:-info}" -X fetch.wait.max.ms=5 ${ENGINE_ARGS:-} \
      >"$WORK/engine-$load-$k.out" 2>"$WORK/engine-$load-$k.err" &
    ENGINES+=($!)
    ENGINE="${ENGINES[*]}"
    # The newest member's first assignment ends the rebalance its joining caused.
    for _ in $(seq 1 300); do grep -q "assigned" "$WORK/engine-$load-$k.err" && break; sleep 0.1; done
  done
  CPU_BEFORE=$(cpu_ticks)
  "$BIN/streamrec-bench" engine-load --bootstrap "$ADDR" --file "$FILE" --limit "$n" --rate "$load" \
    --events-topic "l$load.events" --recommendations-topic "l$load.recs" | tee "$WORK/load-$load.out"
  CPU_US_PER_EVENT=$(( ($(cpu_ticks) - CPU_BEFORE) * 1000000 / $(getconf CLK_TCK) / n ))
  RSS=0
  for pid in "${ENGINES[@]}"; do
    r=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status)
    [ "$r" -gt "$RSS" ] && RSS=$r
  done
  kill -TERM "${ENGINES[@]}"; wait "${ENGINES[@]}" || true; ENGINE=
  grep -ho "processing time: .*" "$WORK"/engine-"$load"-*.err | sed "s/^/  /" || true
  # With ENGINE_LOG_LEVEL=debug: each checkpoint's size and encode/write times
  # (off the event loop, but for the final one).
  cat "$WORK"/engine-"$load"-*.err | grep -o 'checkpoint (.*' | sed 's/^/  /' || true
  RATE=$(sed -n 's/.* events_per_s=\([0-9]*\).*/\1/p' "$WORK/load-$load.out")
  if [ "$load" = 0 ]; then
    echo "  offered max, $INSTANCES instance(s): engine peak RSS $((RSS / 1024)) MiB, CPU ${CPU_US_PER_EVENT} µs/event; end-to-end ${RATE} events/s = $(awk -v a="$RATE" -v b="$PIPE_RATE" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }') of the bare pipe"
  else
    echo "  offered $load/s, $INSTANCES instance(s): engine peak RSS $((RSS / 1024)) MiB, CPU ${CPU_US_PER_EVENT} µs/event; sustained ${RATE} events/s; latency above, bare pipe's before it"
  fi
done
