#!/usr/bin/env bash
# The HTTP API under load while the engine ingests a stream, with wrk (Debian's).
#
# Three runs on one embedded broker, each on fresh topics, each offering the same
# MovieLens log to a fresh `streamrec run` at RATE events/s for SECONDS seconds:
#   1. no HTTP load: the engine's event-to-update latency alone;
#   2. wrk on the engine's GET /v1/users/{id}/recommendations, random users;
#   3. wrk on `streamrec serve` (reading that run's recommendations topic).
# Each prints wrk's requests/s and latency percentiles, and the engine's
# event-to-update p50/p99 from `streamrec-bench engine-load` (produce time of the
# newest event behind an update to its receipt by a separate consumer).
#
#   scripts/bench-http.sh [FILE]      (default ../shared/data/movielens-100k/u.data)
#   RATE=5000 SECONDS_PER_RUN=20 CONNECTIONS=16 THREADS=2 scripts/bench-http.sh
set -euo pipefail
cd "$(dirname "$0")/.."

FILE=${1:-../shared/data/movielens-100k/u.data}
RATE=${RATE:-5000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
USERS=${USERS:-943}             # ids 1…USERS are asked for (ML-100K has 943 users)

command -v wrk >/dev/null 2>&1 || scripts/apt-install.sh wrk
swift build -c release --product streamrec >/dev/null
swift build -c release --product streamrec-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d)
N=$((RATE * SECONDS_PER_RUN))

topics=()
for run in alone engine serve; do
  topics+=(--topic "$run.events:6" --topic "$run.dlq:3" --topic "$run.recs:6" --topic "$run.changelog:6")
done
"$BIN/streamrec" broker --no-address-file "${topics[@]}" >"$WORK/broker.out" 2>"$WORK/broker.err" &
PIDS=($!)
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -s "$WORK/broker.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$WORK/broker.out")

cat >"$WORK/random-user.lua" <<LUA
math.randomseed(7)
request = function()
  return wrk.format("GET", "/v1/users/" .. math.random(1, $USERS) .. "/recommendations?n=10")
end
LUA

# Starts `streamrec run` on a run's topics with HTTP on a free port; prints its URL.
start_engine() {
  local run=$1
  STREAMREC_TOPIC_EVENTS=$run.events STREAMREC_TOPIC_DEAD_LETTER=$run.dlq STREAMREC_TOPIC_RECOMMENDATIONS=$run.recs \
    STREAMREC_TOPIC_CHANGELOG=$run.changelog \
    "$BIN/streamrec" run -b "$ADDR" --group "g-$run" --state-dir "$WORK/state-$run" --http 127.0.0.1:0 \
    --status-interval 0 --log-level info -X fetch.wait.max.ms=5 >"$WORK/engine-$run.out" 2>"$WORK/engine-$run.err" &
  PIDS+=($!)
  for _ in $(seq 1 300); do grep -q "assigned" "$WORK/engine-$run.err" && break; sleep 0.1; done
  grep -o 'http://127.0.0.1:[0-9]*' "$WORK/engine-$run.err" | head -1
}

offer() {
  local run=$1
  "$BIN/streamrec-bench" engine-load --bootstrap "$ADDR" --file "$FILE" --limit "$N" --rate "$RATE" \
    --events-topic "$run.events" --recommendations-topic "$run.recs" >"$WORK/load-$run.out"
  sed -n 's/.*events_per_s=\([0-9]*\).*latency_ms_p50=\([0-9]*\).*p99=\([0-9]*\).*/\1 \2 \3/p' "$WORK/load-$run.out"
}

report_wrk() {
  local label=$1 file=$2
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ { print $2 }' "$file")
  p50=$(awk '$1 == "50%" { print $2 }' "$file")
  p99=$(awk '$1 == "99%" { print $2 }' "$file")
  local total non2xx
  total=$(grep -o '[0-9]* requests in' "$file" | cut -d' ' -f1)
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$file")
  echo "  $label: $rps requests/s, HTTP latency p50 $p50, p99 $p99 ($total requests, ${non2xx:-0} not 2xx)"
}

echo "broker $ADDR; $FILE at $RATE events/s for $SECONDS_PER_RUN s per run; wrk -t$THREADS -c$CONNECTIONS"

start_engine alone >/dev/null
read -r rate p50 p99 <<<"$(offer alone)"
echo "1. no HTTP load:        engine $rate events/s, event-to-update p50 $p50 ms, p99 $p99 ms"

url=$(start_engine engine)
offer engine >"$WORK/engine.result" &
LOAD=$!
sleep 2   # the stream is flowing: users exist to be asked for
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((SECONDS_PER_RUN - 4))s" --latency -s "$WORK/random-user.lua" "$url" >"$WORK/wrk-engine.out"
wait $LOAD
read -r rate p50 p99 <"$WORK/engine.result"
echo "2. wrk on the engine:   engine $rate events/s, event-to-update p50 $p50 ms, p99 $p99 ms"
report_wrk "GET /v1/users/{id}/recommendations on streamrec run" "$WORK/wrk-engine.out"

start_engine serve >/dev/null
STREAMREC_TOPIC_RECOMMENDATIONS=serve.recs "$BIN/streamrec" serve -b "$ADDR" --http 127.0.0.1:0 \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
PIDS+=($!)
for _ in $(seq 1 300); do grep -q "over HTTP at" "$WORK/serve.err" && break; sleep 0.1; done
serve_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.err" | head -1)
offer serve >"$WORK/serve.result" &
LOAD=$!
sleep 2
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((SECONDS_PER_RUN - 4))s" --latency -s "$WORK/random-user.lua" "$serve_url" >"$WORK/wrk-serve.out"
wait $LOAD
read -r rate p50 p99 <"$WORK/serve.result"
echo "3. wrk on serve:        engine $rate events/s, event-to-update p50 $p50 ms, p99 $p99 ms"
report_wrk "GET /v1/users/{id}/recommendations on streamrec serve (404 for users without a list yet)" "$WORK/wrk-serve.out"
