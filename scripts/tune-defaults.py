#!/usr/bin/env python3
"""Chooses the hybrid's defaults without looking at the data they are judged on.

Coordinate search over a small grid, one setting at a time, starting from the
values listed first. A candidate is scored on the FIRST HALF (in event time) of
each stream of scripts/evaluate-streams.sh by the hits its hybrid gains over the
starting point's, in standard errors of that count (gain / sqrt(hits at the
start)), summed over the streams. A change of a few hits on a stream with few
(the Taobao head has about 90 in its first half) weighs as little as it tells;
recall relative to the start, averaged, let such noise choose. The second halves
are left for reporting:

    SCORE_FROM=0.5 scripts/evaluate-streams.sh

Its choices are then held against the speed limits (evaluate's learn and rank
columns on ML-100K, scripts/bench-engine.sh's ratio to the bare pipe); one that
breaks them is not taken.

Usage: scripts/tune-defaults.py [--passes N]   (DATA=../shared/data by default)
Prints every trial and, at the end, the chosen settings as configuration keys.
It runs two evaluations at a time; one pass takes about 20 minutes on two cores.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.abspath(os.environ.get("DATA", os.path.join(ROOT, "..", "shared", "data")))

STREAMS = {
    "ml-100k": [f"{DATA}/movielens-100k/u.data"],
    "ml-latest-small": [f"{DATA}/movielens-latest-small/ratings.csv",
                        "--map", "user=userId,item=movieId,timestamp=timestamp,value=rating", "--type", "rating"],
    "globo-500k": [f"{DATA}/globo-news-clicks/clicks.csv.gz", "--limit", "500000",
                   "--map", "user=user_id,item=click_article_id,timestamp=click_timestamp", "--type", "click"],
    "taobao-head": [f"{DATA}/taobao-userbehavior-head/UserBehavior_head.csv",
                    "--columns", "user,item,category,behavior,ts",
                    "--map", "user=user,item=item,timestamp=ts,type=behavior,item.category=category",
                    "--type-map", "pv=view,fav=click,cart=add_to_cart,buy=purchase"],
}

# (configuration key, environment variable, values tried; the first is where the
# search starts: the current defaults). The grid is kept small enough for a pass
# to take minutes: pairing windows above 10, and more neighbours or recent items
# than these, cost more learning or ranking time than the product allows (hybrid
# learning at 250k events/s on ML-100K, ranking within twice the time of the
# three-signal hybrid; 200 neighbours were tried and held back, see
# Benchmarks/README.md).
GRID = [
    ("model.cooccurrence_damping", "STREAMREC_MODEL_COOCCURRENCE_DAMPING", ["0.3", "0.2", "0.1", "0.5"]),
    ("model.cooccurrence_position_decay", "STREAMREC_MODEL_COOCCURRENCE_POSITION_DECAY", ["0.8", "1", "0.9"]),
    ("model.cooccurrence_pair_decay", "STREAMREC_MODEL_COOCCURRENCE_PAIR_DECAY", ["0.9", "0.8", "1"]),
    ("model.cooccurrence_recent_items", "STREAMREC_MODEL_COOCCURRENCE_RECENT_ITEMS", ["14", "20", "10"]),
    ("features.cooccurrence_half_life_hours", "STREAMREC_COOCCURRENCE_HALF_LIFE_HOURS", ["100000", "720"]),
    ("model.recent_popularity_half_life_hours", "STREAMREC_RECENT_POPULARITY_HALF_LIFE_HOURS", ["1", "6"]),
    ("model.hybrid_model_weight", "STREAMREC_HYBRID_MODEL_WEIGHT", ["0.3", "0.1", "1"]),
    ("model.hybrid_popularity_weight", "STREAMREC_HYBRID_POPULARITY_WEIGHT", ["0.1", "0.3", "0.03"]),
    ("model.hybrid_recent_popularity_weight", "STREAMREC_HYBRID_RECENT_POPULARITY_WEIGHT", ["0.1", "0.3"]),
    ("model.hybrid_transitions_weight", "STREAMREC_HYBRID_TRANSITIONS_WEIGHT", ["0.1", "0.3"]),
    ("model.hybrid_category_weight", "STREAMREC_HYBRID_CATEGORY_WEIGHT", ["0.3", "0.1"]),
]


def binary():
    subprocess.run(["swift", "build", "-c", "release", "--product", "streamrec"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "streamrec")


def evaluate(streamrec, stream, settings, model="hybrid", limit=None):
    args = list(STREAMS[stream])
    if limit is not None:
        # A stream's own --limit (Globo's) gives way to its first half's.
        if "--limit" in args:
            k = args.index("--limit")
            del args[k:k + 2]
        args += ["--limit", str(limit)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMREC_")}
    env.update(settings)
    # Run where no config/streamrec.yaml is found: the built-in defaults and these settings alone.
    out = subprocess.run([streamrec, "evaluate", "--no-progress", "--json", "--models", model] + args,
                         env=env, cwd=tempfile.gettempdir(), check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=1, help="passes over the grid (default 1)")
    options = parser.parse_args()
    streamrec = binary()
    with ThreadPoolExecutor(2) as pool:
        totals = dict(zip(STREAMS, pool.map(lambda s: evaluate(streamrec, s, {}, "popularity")["events"], STREAMS)))
    halves = {s: n // 2 for s, n in totals.items()}
    print("first halves:", ", ".join(f"{s} {n} events" for s, n in halves.items()), flush=True)

    cache = {}

    def recalls(settings):
        key = tuple(sorted(settings.items()))
        if key not in cache:
            with ThreadPoolExecutor(2) as pool:
                runs = pool.map(lambda s: evaluate(streamrec, s, settings, limit=halves[s]), STREAMS)
                cache[key] = {s: (r["models"][0]["recall_at_10"], r["models"][0]["evaluated"])
                              for s, r in zip(STREAMS, runs)}
        return cache[key]

    def hits(recall_and_count):
        recall, evaluated = recall_and_count
        return recall * evaluated

    def describe(result):
        return ", ".join(f"{s} {r[0]:.4f}" for s, r in result.items())

    current = {variable: values[0] for _, variable, values in GRID}
    start = recalls(current)

    def objective(result):
        return sum((hits(result[s]) - hits(start[s])) / max(hits(start[s]), 1) ** 0.5 for s in STREAMS)

    best = objective(start)
    print(f"start: {describe(start)}", flush=True)
    for _ in range(options.passes):
        for key, variable, values in GRID:
            for value in values:
                if value == current[variable]:
                    continue
                trial = dict(current, **{variable: value})
                result = recalls(trial)
                score = objective(result)
                print(f"  {key}={value}: {score:+.2f} ({describe(result)})", flush=True)
                if score > best:
                    best, current = score, trial
            print(f"{key} -> {current[variable]} (gain {best:+.2f} standard errors)", flush=True)
    print("\nchosen on the first halves:")
    for key, variable, _ in GRID:
        print(f"  {key}: {current[variable]}")
    print(f"first-half recall: {describe(recalls(current))}")


if __name__ == "__main__":
    sys.exit(main())
