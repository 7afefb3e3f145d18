#!/usr/bin/env bash
# Produce and consume throughput of StreamRec's Kafka layer next to a bare C
# librdkafka loop (../shared/tools/kafka-pipebench.c), on one embedded broker,
# in one run, with the same producer settings. Prints both and the ratios.
#
#   scripts/bench-kafka.sh [PRODUCE_N] [CONSUME_N] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."

PRODUCE_N=${1:-1000000}
CONSUME_N=${2:-400000}   # the embedded broker keeps ~5 MiB per partition (12 here): stay under it
ROUNDS=${3:-3}
PIPEBENCH_SRC=${PIPEBENCH_SRC:-../shared/tools/kafka-pipebench.c}

swift build -c release --product streamrec >/dev/null
swift build -c release --product streamrec-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
if [ ! -f "$PIPEBENCH_SRC" ]; then
  echo "bare C loop not found at $PIPEBENCH_SRC (set PIPEBENCH_SRC)" >&2; exit 1
fi
cc -O2 -o "$BIN/kafka-pipebench" "$PIPEBENCH_SRC" -lrdkafka

topics=()
for r in $(seq 1 "$ROUNDS"); do topics+=(--topic "bench-c-p$r:6" --topic "bench-s-p$r:6" --topic "bench-c-c$r:12" --topic "bench-s-c$r:12"); done
"$BIN/streamrec" broker --no-address-file "${topics[@]}" >"$BIN/bench-broker.out" 2>"$BIN/bench-broker.err" &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$BIN/bench-broker.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$BIN/bench-broker.out")
# Same producer settings for both: StreamRec's defaults (idempotent, lz4, linger 5 ms)
# and the C tool's batch sizes.
SETTINGS="enable.idempotence=true,compression.type=lz4,linger.ms=5,batch.num.messages=10000,batch.size=1000000"
# Consumers: the embedded cluster's fetch wait and StreamRec's prefetch default (see
# KafkaConsumerConfiguration.prefetchMessages). The C loop waits 10 ms for a batch
# to fill (BATCH_MS), its fastest setting here; StreamRec's poll returns what is ready.
CONSUMER="fetch.wait.max.ms=5,queued.min.messages=1000000"

field() { sed -n "s|.*$1=\([0-9.]*\).*|\1|p"; }
rm -f "$BIN/bench-rounds.txt"
echo "broker $ADDR, produce N=$PRODUCE_N, consume N=$CONSUME_N, rounds=$ROUNDS"
echo "producer settings $SETTINGS; consumer settings $CONSUMER"
for r in $(seq 1 "$ROUNDS"); do
  c_p=$("$BIN/kafka-pipebench" produce "$ADDR" "bench-c-p$r" "$PRODUCE_N" 0 "$SETTINGS" | field msgs/s)
  s_p=$("$BIN/streamrec-bench" produce "$ADDR" "bench-s-p$r" "$PRODUCE_N" -X "$SETTINGS" | field msgs/s)
  "$BIN/kafka-pipebench" produce "$ADDR" "bench-c-c$r" "$CONSUME_N" 0 "$SETTINGS" >/dev/null
  "$BIN/kafka-pipebench" produce "$ADDR" "bench-s-c$r" "$CONSUME_N" 0 "$SETTINGS" >/dev/null
  c_c=$(BATCH_MS=10 "$BIN/kafka-pipebench" consume "$ADDR" "bench-c-c$r" "g-c$r" "$CONSUME_N" batch "$CONSUMER" | grep '^consume' | field msgs/s)
  s_c=$("$BIN/streamrec-bench" consume "$ADDR" "bench-s-c$r" "g-s$r" "$CONSUME_N" -X "$CONSUMER" | field msgs/s)
  awk -v r="$r" -v cp="$c_p" -v sp="$s_p" -v cc="$c_c" -v sc="$s_c" 'BEGIN {
    printf "round %d  produce msgs/s: C %9.0f  StreamRec %9.0f  ratio %.2f   consume msgs/s: C %9.0f  StreamRec %9.0f  ratio %.2f\n",
      r, cp, sp, sp/cp, cc, sc, sc/cc }' | tee -a "$BIN/bench-rounds.txt"
done
# Medians over the rounds: single rounds on a shared 2-core machine are noisy.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "median ratio over $ROUNDS rounds: produce $(awk '{ print $10 }' "$BIN/bench-rounds.txt" | median)," \
  "consume $(awk '{ print $18 }' "$BIN/bench-rounds.txt" | median)"
