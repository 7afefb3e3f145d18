#!/usr/bin/env bash
# Scale-out on one machine: what instances of one consumer group publish, and how
# fast, with item state shared through the item topic and without.
#
# Quality: ML-100K offered in event-time order at RATE events/s to 1 instance, to
# 3 instances sharing item state (engine.share_item_state: auto) and to 3 that do
# not (false); `streamrec-bench published-recall` keeps every update they publish
# and replays the stream against them (prequential Recall@10 of the output).
# Throughput: the same log as fast as possible to 1, 2 and 3 sharing instances,
# and 3 that do not (`streamrec-bench engine-load`, end to end); then the item topic's bytes per
# 1,000 events and the staleness of shared items (from an event taken off Kafka
# by its owner to its item side applied on another instance), from the engines' logs.
#
#   scripts/bench-scale-out.sh [FILE] [N]
set -euo pipefail
cd "$(dirname "$0")/.."

FILE=${1:-../shared/data/movielens-100k/u.data}
N=${2:-100000}
RATE=${RATE:-2000}
QUALITY_RUNS=${QUALITY_RUNS-"1-auto 3-auto 3-false"}   # INSTANCES-SHARE; empty: none
SPEED_RUNS=${SPEED_RUNS-"1-auto 2-auto 3-auto 3-false"}

swift build -c release --product streamrec >/dev/null
swift build -c release --product streamrec-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)

RUNS=()
for q in $QUALITY_RUNS; do RUNS+=("q$q"); done
for s in $SPEED_RUNS; do RUNS+=("s$s"); done
topics=()
for run in "${RUNS[@]}"; do
  for t in events:6 dlq:1 recs:6 changelog:6 items:6; do topics+=(--topic "$run.$t"); done
done
"$BIN/streamrec" broker --no-address-file "${topics[@]}" >"$WORK/broker.out" 2>"$WORK/broker.err" &
BROKER=$!
ENGINES=()
trap 'kill $BROKER "${ENGINES[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/broker.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$WORK/broker.out")
echo "broker $ADDR; file $FILE, $N events"

# start_engines RUN INSTANCES SHARE: one group of engines, every member assigned.
start_engines() {
  local run=$1 instances=$2 share=$3
  ENGINES=()
  for k in $(seq 1 "$instances"); do
    STREAMREC_TOPIC_EVENTS=$run.events STREAMREC_TOPIC_DEAD_LETTER=$run.dlq STREAMREC_TOPIC_RECOMMENDATIONS=$run.recs \
      STREAMREC_TOPIC_CHANGELOG=$run.changelog STREAMREC_TOPIC_ITEMS=$run.items STREAMREC_SHARE_ITEM_STATE=$share \
      "$BIN/streamrec" run -b "$ADDR" --group "eng-$run" --model hybrid --state-dir "$WORK/state-$run-$k" \
      --status-interval 0 --log-level info -X fetch.wait.max.ms=5 --http 127.0.0.1:0 \
      >"$WORK/engine-$run-$k.out" 2>"$WORK/engine-$run-$k.err" &
    ENGINES+=($!)
    for _ in $(seq 1 300); do grep -q "assigned" "$WORK/engine-$run-$k.err" && break; sleep 0.1; done
  done
  # The last member's assignment settles the group; sharing instances say so.
  if [ "$instances" -gt 1 ] && [ "$share" != false ]; then
    for k in $(seq 1 "$instances"); do
      for _ in $(seq 1 300); do grep -q "sharing item state through" "$WORK/engine-$run-$k.err" && break; sleep 0.1; done
    done
  fi
}

stop_engines() {
  kill -TERM "${ENGINES[@]}"
  wait "${ENGINES[@]}" || true
  ENGINES=()
}

# The item topic's traffic and the staleness each instance saw, from the logs.
share_figures() {
  local run=$1
  awk '
    /item state shared:/ {
      for (i = 1; i <= NF; i++) {
        if ($(i + 1) == "events" && $(i + 2) == "published") events += $i
        # "… in N records (B bytes), … deltas: D published (F bytes), …"
        if ($(i - 1) == "records" && $(i + 1) == "bytes),") { gsub(/\(/, "", $i); bytes += $i }
        if ($(i - 1) == "published" && $(i + 1) == "bytes),") { gsub(/\(/, "", $i); factors += $i }
      }
      sub(/.*staleness of others. items /, ""); staleness = staleness "  [" $0 "]"
    }
    END {
      if (events > 0)
        printf "  item topic: %d bytes per 1,000 events (factor deltas %d); staleness per instance:%s\n",
          bytes * 1000 / events, factors * 1000 / events, staleness
    }
  ' "$WORK"/engine-"$run"-*.err
}

echo "== quality: prequential Recall@10 of the published lists, $RATE events/s offered"
for q in $QUALITY_RUNS; do
  instances=${q%%-*}
  share=${q#*-}
  run="q$q"
  start_engines "$run" "$instances" "$share"
  RESULT=$("$BIN/streamrec-bench" published-recall --bootstrap "$ADDR" --file "$FILE" --limit "$N" --rate "$RATE" \
    --events-topic "$run.events" --recommendations-topic "$run.recs")
  stop_engines
  echo "$instances instance(s), share_item_state $share: $RESULT"
  share_figures "$run"
done

echo "== throughput: as fast as possible"
for s in $SPEED_RUNS; do
  instances=${s%%-*}
  share=${s#*-}
  run="s$s"
  start_engines "$run" "$instances" "$share"
  RESULT=$("$BIN/streamrec-bench" engine-load --bootstrap "$ADDR" --file "$FILE" --limit "$N" --rate 0 \
    --events-topic "$run.events" --recommendations-topic "$run.recs")
  stop_engines
  echo "$instances instance(s), share_item_state $share: $(echo "$RESULT" | grep -o 'events_per_s=[0-9]*') end to end"
  share_figures "$run"
done
