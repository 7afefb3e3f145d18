#!/usr/bin/env bash
# The main job on the embedded default: start the embedded Kafka-protocol broker,
# apply StreamRec's topics, send a few user events and read them back with kcat
# (a Kafka client we did not write), then stop. DEMO_KEEP=1 leaves the broker
# running in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
STREAMREC=${1:-.build/release/streamrec}
export STREAMREC_HOME=${STREAMREC_HOME:-$(mktemp -d)}

out=$(mktemp)
"$STREAMREC" broker --brokers 3 >"$out" &
broker=$!
trap 'kill $broker 2>/dev/null || true; wait $broker 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.1; done
address=$(head -1 "$out")
[ -n "$address" ] || { echo "broker did not start" >&2; exit 1; }

echo "== topics (streamrec topics apply, idempotent)"
"$STREAMREC" topics apply
echo
echo "== topics on the cluster"
"$STREAMREC" topics list
echo
echo "== producing sample events with kcat, keyed by user"
now=$(date +%s%3N)
for i in 1 2 3 4 5 6; do
  echo "u$((i % 3)):{\"user_id\":\"u$((i % 3))\",\"item_id\":\"i$i\",\"type\":\"view\",\"timestamp\":$now}"
done | kcat -P -b "$address" -t streamrec.events -K : -z lz4
echo "== reading them back (partition, offset, key, value)"
kcat -C -b "$address" -t streamrec.events -o beginning -e -q -f '  p%p @%o  %k  %s\n'
echo
echo "bootstrap: $address  (also recorded in $STREAMREC_HOME/broker)"
if [ "${DEMO_KEEP:-0}" = 1 ]; then
  echo "broker running; Ctrl-C to stop"
  wait $broker
fi
