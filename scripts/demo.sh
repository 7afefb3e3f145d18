#!/usr/bin/env bash
# The main job on the embedded default, as far as it is built: start the embedded
# Kafka-protocol broker, apply StreamRec's topics, replay a small sample log of
# user events into it (one malformed line goes to the dead-letter count), read
# them back with kcat (a Kafka client we did not write), and show the features
# StreamRec builds from the same log. DEMO_KEEP=1 leaves the broker running.
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
sample="$STREAMREC_HOME/sample.jsonl"
# 600 events: 20 users, 40 items in 5 categories, one event a minute; the last line is malformed.
awk 'BEGIN { srand(3); split("view view view click add_to_cart purchase", types, " ")
  for (i = 0; i < 600; i++) {
    item = int(rand() * rand() * 40); user = int(rand() * 20)
    printf "{\"user_id\":\"u%d\",\"item_id\":\"sku-%d\",\"type\":\"%s\",\"timestamp\":%.0f,\"item\":{\"category\":\"c%d\",\"price\":%d}}\n",
      user, item, types[1 + int(rand() * 6)], 1714564800000 + i * 60000, item % 5, 10 + item * 3 }
  print "{\"user_id\":\"u1\",\"type\":\"view\"}" }' > "$sample"
echo "== replaying $sample (600 events, 1 malformed) at 400 events/s"
"$STREAMREC" replay "$sample" --rate 400 --no-progress
echo
echo "== kcat reads them back: records per partition of streamrec.events"
kcat -C -b "$address" -t streamrec.events -o beginning -e -q -f '%p\n' | sort | uniq -c | awk '{ printf "  partition %s: %s records\n", $2, $1 }'
echo
echo "== features from the same log (streamrec inspect)"
"$STREAMREC" inspect "$sample" --popular 5
"$STREAMREC" inspect "$sample" --user u1 | grep -E "user|events|counts|recent_items|category_affinity"
echo
echo "bootstrap: $address  (also recorded in $STREAMREC_HOME/broker)"
if [ "${DEMO_KEEP:-0}" = 1 ]; then
  echo "broker running; Ctrl-C to stop"
  wait $broker
fi
