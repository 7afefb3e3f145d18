#!/usr/bin/env bash
# The engine's tiered user state, measured on the embedded broker:
#
# 1. USERS distinct users (default 1,000,000), every tenth of them seen again
#    after all the others, with memory holding MEMORY_USERS of them (default
#    50,000): peak RSS of the engine, how many users moved to the user store and
#    back, and SAMPLE users' counters read back with `inspect --state-dir`.
# 2. Restore from the changelog: an engine processes RESTORE_USERS distinct users
#    (default 100,000) and stops; a second engine with an empty state directory
#    joins the same group and restores every partition from the changelog. Prints
#    the restore time, and per 100,000 users.
#
#   scripts/bench-state.sh
#   USERS=200000 MEMORY_USERS=20000 scripts/bench-state.sh
#
# The embedded broker keeps about 5 MiB per partition, so events are offered at
# RATE per second (default 8,000), slow enough that the engine reads them before
# they are pushed out: with a new user in almost every event, each event is a
# ranking of its own, which bounds the engine's rate here.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-1000000}
MEMORY_USERS=${MEMORY_USERS:-50000}
SAMPLE=${SAMPLE:-20}
RESTORE_USERS=${RESTORE_USERS:-100000}
RATE=${RATE:-8000}

swift build -c release --product streamrec >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)
"$BIN/streamrec" broker --no-address-file \
  --topic big.events:6 --topic big.dlq:3 --topic big.recs:6 --topic big.changelog:6 \
  --topic rs.events:6 --topic rs.dlq:3 --topic rs.recs:6 --topic rs.changelog:6 \
  >"$WORK/broker.out" 2>"$WORK/broker.err" &
BROKER=$!
ENGINE=
trap 'kill $BROKER $ENGINE 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/broker.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$WORK/broker.out")

# Every user once, in order; with RETURN, every tenth user again: the second event
# meets a user that memory let go of long before.
events() {
  local prefix=$1 users=$2 returning=$3
  awk -v users="$users" -v returning="$returning" -v prefix="$prefix" 'BEGIN {
    t = 1700000000000
    for (p = 0; p < 1 + returning; p++) for (u = 0; u < users; u += (p ? 10 : 1)) {
      printf "{\"user_id\":\"%s%d\",\"item_id\":\"i%d\",\"type\":\"view\",\"timestamp\":%.0f}\n", prefix, u, (u * 7 + p) % 5000, t
      t += 10
    }
  }'
}

# Waits until the checkpoint in STATE covers N records (the engine checkpoints
# every 10 s), so that the engine is stopped only once it has read everything.
wait_for_checkpoint() {
  local state=$1 n=$2
  for _ in $(seq 1 120); do
    got=$(python3 -c "
import struct, sys
try:
    data = open('$state/checkpoint.bin', 'rb').read()
except OSError:
    print(0); sys.exit()
# Envelope header (magic, kind, version, length) is 18 bytes; then the topic, the
# partitions and their offsets, then records consumed.
off = 18
n = struct.unpack_from('<I', data, off)[0]; off += 4 + n
count = struct.unpack_from('<I', data, off)[0]; off += 4 + 12 * count
print(struct.unpack_from('<q', data, off)[0])" 2>/dev/null || echo 0)
    [ "$got" -ge "$n" ] && return 0
    sleep 1
  done
  echo "  (the engine did not reach $n records in 120 s: $got)"
}

engine() {
  local topics=$1 state=$2 log=$3
  shift 3
  env STREAMREC_TOPIC_EVENTS=$topics.events STREAMREC_TOPIC_DEAD_LETTER=$topics.dlq \
    STREAMREC_TOPIC_RECOMMENDATIONS=$topics.recs STREAMREC_TOPIC_CHANGELOG=$topics.changelog "$@" \
    "$BIN/streamrec" run -b "$ADDR" --group "$topics-engine" --state-dir "$state" --http 127.0.0.1:0 --status-interval 0 --log-level info \
    -X fetch.wait.max.ms=5 >/dev/null 2>"$log" &
  ENGINE=$!
  for _ in $(seq 1 300); do grep -q "assigned" "$log" && break; sleep 0.1; done
}

echo "== $USERS users, every tenth seen again, memory for $MEMORY_USERS (model hybrid)"
events big "$USERS" 1 >"$WORK/big.jsonl"
engine big "$WORK/big-state" "$WORK/big.err" STREAMREC_MAX_USERS="$MEMORY_USERS"
TOTAL=$(wc -l <"$WORK/big.jsonl")
"$BIN/streamrec" replay -b "$ADDR" --topic big.events --rate "$RATE" "$WORK/big.jsonl" >"$WORK/replay.out" &
REPLAY=$!
# RSS every tenth of the replay: bounded means flat once memory holds its cap.
TRACE=()
for k in $(seq 1 10); do
  for _ in $(seq 1 $((TOTAL / RATE / 10))); do kill -0 $REPLAY 2>/dev/null && sleep 1; done
  TRACE+=("$(( $(awk '/VmRSS/ { print $2 }' /proc/$ENGINE/status) / 1024 ))")
done
wait $REPLAY
cat "$WORK/replay.out"
wait_for_checkpoint "$WORK/big-state" "$TOTAL"
echo "  engine RSS at each tenth of the replay (MiB): ${TRACE[*]}"
rss=$(awk '/VmHWM/ { print $2 }' /proc/$ENGINE/status)
kill -TERM $ENGINE; wait $ENGINE || true; ENGINE=
grep -o "stopped after .*" "$WORK/big.err" | sed 's/^/  /'
grep -o "offset resets.*" "$WORK/big.err" | head -1 | sed 's/^/  /' || true
echo "  engine peak RSS $((rss / 1024)) MiB; user store $(du -sh "$WORK/big-state/users" | cut -f1)"
"$BIN/streamrec" inspect --state-dir "$WORK/big-state" --json >"$WORK/summary.json"
python3 -c "import json,sys; s=json.load(open('$WORK/summary.json'))['summary']; print('  users', s['users'], 'of which in memory', s['users_in_memory'])"
wrong=0
for k in $(seq 1 "$SAMPLE"); do
  u=$(( (k * 48271) % USERS ))
  [ $((k % 2)) = 0 ] && u=$(( u / 10 * 10 ))
  want=$(( u % 10 == 0 ? 2 : 1 ))
  events=$("$BIN/streamrec" inspect --state-dir "$WORK/big-state" --user "big$u" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['events'])")
  [ "$events" = "$want" ] || { wrong=$((wrong + 1)); echo "  big$u: $events events, not $want"; }
done
echo "  sampled $SAMPLE users with inspect --state-dir: $((SAMPLE - wrong)) exact"

echo "== restore of $RESTORE_USERS users from the changelog"
events rs "$RESTORE_USERS" 0 >"$WORK/rs.jsonl"
engine rs "$WORK/rs-a" "$WORK/rs-a.err"
"$BIN/streamrec" replay -b "$ADDR" --topic rs.events --rate "$RATE" "$WORK/rs.jsonl" | sed 's/^/  /'
wait_for_checkpoint "$WORK/rs-a" "$RESTORE_USERS"
kill -TERM $ENGINE; wait $ENGINE || true; ENGINE=
grep -o "stopped after .*" "$WORK/rs-a.err" | sed 's/^/  first engine /'
engine rs "$WORK/rs-b" "$WORK/rs-b.err"
kill -TERM $ENGINE; wait $ENGINE || true; ENGINE=
grep -o "restored [0-9]* users of partition .*" "$WORK/rs-b.err" | sed 's/^/  /'
grep -o "restored [0-9]* users of partition [0-9]* ([0-9]* changelog records) in [0-9]* ms" "$WORK/rs-b.err" |
  awk -v total="$RESTORE_USERS" '{ users += $2; ms += $(NF - 1) } END {
    printf "  restored %d users in %d ms: %.0f ms per 100,000 users\n", users, ms, users ? ms * 100000 / users : 0 }'
