#!/usr/bin/env bash
# Soak: the engine for MINUTES (default 30) on the embedded broker at RATE
# events/s (default 5,000) of a generated shop stream (scripts/soak-events.py)
# in which new users keep arriving, with memory for MEMORY_USERS users (default
# 10,000), so that state grows and moves to the disk tier. Every SAMPLE seconds
# (default 10) it records the engine's RSS, consumer lag, event-to-update
# p50/p99, checkpoint and user-store size and users per tier, into OUT/soak.csv;
# at the end scripts/soak-report.py draws OUT/soak.svg and prints the verdicts
# (RSS at the end within 10% of minute 5, lag bounded, p99 flat).
#
#   scripts/soak.sh
#   MINUTES=5 RATE=2000 OUT=/tmp/soak scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES=${MINUTES:-30}
RATE=${RATE:-5000}
MEMORY_USERS=${MEMORY_USERS:-10000}
SAMPLE=${SAMPLE:-10}
OUT=${OUT:-soak-out}

swift build -c release --product streamrec >/dev/null
BIN=$(swift build -c release --show-bin-path)/streamrec
mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BIN" broker --no-address-file \
  --topic soak.events:6 --topic soak.dlq:3 --topic soak.recs:6 --topic soak.changelog:6 \
  >"$WORK/broker.out" 2>"$WORK/broker.err" &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$WORK/broker.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$WORK/broker.out")

STREAMREC_TOPIC_EVENTS=soak.events STREAMREC_TOPIC_DEAD_LETTER=soak.dlq STREAMREC_TOPIC_RECOMMENDATIONS=soak.recs \
  STREAMREC_TOPIC_CHANGELOG=soak.changelog STREAMREC_MAX_USERS="$MEMORY_USERS" \
  "$BIN" run -b "$ADDR" --group soak --state-dir "$WORK/state" --http 127.0.0.1:0 --status-interval 0 \
  --log-level info -X fetch.wait.max.ms=5 >"$WORK/engine.out" 2>"$OUT/engine.log" &
ENGINE=$!
PIDS+=($ENGINE)
for _ in $(seq 1 300); do grep -q "assigned" "$OUT/engine.log" && break; sleep 0.1; done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$OUT/engine.log" | head -1)
[ -n "$URL" ] || { echo "the engine did not start; see $OUT/engine.log" >&2; exit 1; }

python3 scripts/soak-events.py "$RATE" |
  "$BIN" replay -b "$ADDR" --topic soak.events --format jsonl --order file --rate "$RATE" --no-progress /dev/stdin \
    >"$WORK/replay.out" 2>&1 &
REPLAY=$!
PIDS+=($REPLAY)

echo "soak: $MINUTES min at $RATE events/s, memory for $MEMORY_USERS users; engine $URL; samples every $SAMPLE s in $OUT/soak.csv"
echo "elapsed_s,rss_mib,lag_records,p50_ms,p99_ms,events_applied,checkpoints,checkpoint_mib,users_in_memory,users_on_disk" \
  >"$OUT/soak.csv"
start=$(date +%s)
while [ $(($(date +%s) - start)) -lt $((MINUTES * 60)) ]; do
  sleep "$SAMPLE"
  kill -0 $ENGINE 2>/dev/null || { echo "the engine stopped; see $OUT/engine.log" >&2; exit 1; }
  elapsed=$(($(date +%s) - start))
  rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' /proc/$ENGINE/status)
  # A checkpoint's temporary file can vanish while du counts it.
  bytes=$({ du -sb "$WORK/state" 2>/dev/null || true; } | tail -1 | cut -f1)
  curl -s --max-time 5 "$URL/v1/stats" | python3 -c "
import json, sys
s = json.load(sys.stdin)
f = lambda v: '' if v is None else v
print(','.join(str(x) for x in [$elapsed, $rss, s.get('consumer_lag'), f(s.get('event_to_publish_p50_ms')),
    f(s.get('event_to_publish_p99_ms')), s.get('events_applied'), s.get('checkpoints'), round($bytes / 1048576, 2),
    s.get('users_in_memory'), s.get('users_on_disk')]))" >>"$OUT/soak.csv"
  tail -1 "$OUT/soak.csv"
done
# Stop the stream, then the engine, whose last log line says where its time went.
kill $REPLAY 2>/dev/null || true
kill -TERM $ENGINE 2>/dev/null || true
wait $ENGINE 2>/dev/null || true
grep -o "stopped after .*" "$OUT/engine.log" || echo "the engine did not log its stop line; see $OUT/engine.log"
python3 scripts/soak-report.py "$OUT/soak.csv" "$OUT/soak.svg"
