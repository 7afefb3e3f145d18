#!/usr/bin/env python3
"""Writes a generated shop stream as Event v1 JSON lines, at RATE events a second.

Users arrive all the time (NEW_USERS a second), and most events come from users
who arrived recently, so the engine's user state keeps growing and older users
move to its disk tier; items (ITEMS, in 40 categories, with a price) are drawn
by a Zipf-like popularity. A user views far more than they add to a cart or
buy. Event time is the wall clock. Runs until stopped.

Usage: scripts/soak-events.py [RATE] [NEW_USERS] [ITEMS] | streamrec produce ...
"""
import json
import random
import sys
import time

RATE = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
NEW_USERS = float(sys.argv[2]) if len(sys.argv) > 2 else 40
ITEMS = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
TICK = 0.1  # seconds per chunk of events

random.seed(11)
# Item k's weight ~ 1/(k+10): a long tail, with a head that is not one item.
weights = [1.0 / (k + 10) for k in range(ITEMS)]
cumulative = []
total = 0.0
for w in weights:
    total += w
    cumulative.append(total)
items = random.choices(range(ITEMS), cum_weights=cumulative, k=200_000)
types = random.choices(["view", "click", "add_to_cart", "purchase"], weights=[70, 15, 10, 5], k=100_000)

users = 1000
arrivals = 0.0
start = time.monotonic()
sent = 0
out = sys.stdout
n = 0
while True:
    due = int((time.monotonic() - start) * RATE)
    if sent >= due:
        time.sleep(TICK / 4)
        continue
    arrivals += (due - sent) * NEW_USERS / RATE
    users += int(arrivals)
    arrivals -= int(arrivals)
    now = int(time.time() * 1000)
    lines = []
    for _ in range(due - sent):
        # Half the events from the newest tenth of the users, the rest from anyone.
        recent = random.random() < 0.5
        user = users - 1 - int(random.random() * users * (0.1 if recent else 1.0))
        item = items[n % len(items)]
        kind = types[n % len(types)]
        n += 1
        lines.append(json.dumps({
            "user_id": f"u{user}", "item_id": f"i{item}", "type": kind, "timestamp": now,
            "item": {"category": f"c{item % 40}", "price": round(5 + (item * 37 % 995), 2)},
        }, separators=(",", ":")))
    try:
        out.write("\n".join(lines) + "\n")
        out.flush()
    except BrokenPipeError:
        break
    sent = due
