#!/usr/bin/env bash
# Replay throughput of `streamrec replay` on MovieLens-1M-format data next to the
# raw produce rate of the Kafka layer (streamrec-bench), on one embedded broker, in
# one run. Uses ../shared/data's ratings.dat when present, else generates a file of
# ML-1M's size (1,000,209 ratings).
#
#   scripts/bench-replay.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
DATA=${REPLAY_DATA:-../shared/data/movielens-1m-partial-users-1-2999/ratings.dat}

swift build -c release --product streamrec >/dev/null
swift build -c release --product streamrec-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
if [ ! -f "$DATA" ]; then
  DATA="$BIN/generated-ratings.dat"
  [ -f "$DATA" ] || awk 'BEGIN { srand(7); for (i = 0; i < 1000209; i++)
      printf "%d::%d::%d::%d\n", 1 + int(rand() * 6040), 1 + int(rand() * 3952), 1 + int(rand() * 5), 956703932 + i * 40 }' > "$DATA"
fi
N=$(wc -l < "$DATA")

topics=()
for r in $(seq 1 "$ROUNDS"); do topics+=(--topic "raw-$r:6" --topic "replay-$r:6"); done
"$BIN/streamrec" broker --no-address-file "${topics[@]}" >"$BIN/replay-broker.out" 2>"$BIN/replay-broker.err" &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$BIN/replay-broker.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$BIN/replay-broker.out")

echo "broker $ADDR, $N events from $DATA, rounds=$ROUNDS"
rm -f "$BIN/replay-rounds.txt"
for r in $(seq 1 "$ROUNDS"); do
  raw=$("$BIN/streamrec-bench" produce "$ADDR" "raw-$r" "$N" | sed -n 's|.*msgs/s=\([0-9.]*\).*|\1|p')
  replay=$("$BIN/streamrec" replay -b "$ADDR" --topic "replay-$r" --no-progress "$DATA" | sed -n 's|.*(\([0-9.]*\) events/s).*|\1|p')
  awk -v r="$r" -v raw="$raw" -v rep="$replay" 'BEGIN {
    printf "round %d  raw produce %9.0f msgs/s  replay %9.0f events/s  ratio %.2f\n", r, raw, rep, rep/raw }' | tee -a "$BIN/replay-rounds.txt"
done
echo "median ratio over $ROUNDS rounds: $(awk '{ print $11 }' "$BIN/replay-rounds.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
