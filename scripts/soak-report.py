#!/usr/bin/env python3
"""Reads the CSV of scripts/soak.sh, writes its SVG plot and prints the verdicts.

Usage: scripts/soak-report.py soak.csv soak.svg

Verdicts, as the reliability issue states them:
- RSS at the end within 10% of its value at minute 5;
- consumer lag bounded: its largest sample after minute 5, next to the rate;
- event-to-update p99 flat: the median of the last five minutes' samples
  against that of minutes 5 to 10.
"""
import csv
import statistics
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
if not rows:
    sys.exit("no samples in " + sys.argv[1])
t = [float(r["elapsed_s"]) for r in rows]
series = [
    ("rss_mib", "engine RSS (MiB)"),
    ("lag_records", "consumer lag (records)"),
    ("p99_ms", "event-to-update p99 (ms)"),
    ("checkpoint_mib", "checkpoint + user store (MiB)"),
    ("users_on_disk", "users on disk"),
]


def values(key):
    return [float(r[key]) if r[key] not in ("", "null") else None for r in rows]


def at(key, seconds):
    """The first sample at or after `seconds`."""
    for time, value in zip(t, values(key)):
        if time >= seconds and value is not None:
            return value
    return None


def window(key, start, end):
    return [v for time, v in zip(t, values(key)) if start <= time < end and v is not None]


W, H, PAD = 900, 170, 50
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H * len(series) + 30}" '
       'font-family="sans-serif" font-size="12">',
       f'<text x="{PAD}" y="18" font-size="14">StreamRec soak: {len(rows)} samples over {t[-1] / 60:.1f} minutes</text>']
for k, (key, label) in enumerate(series):
    top = 30 + k * H
    points = [(time, v) for time, v in zip(t, values(key)) if v is not None]
    high = max([v for _, v in points] + [1e-9]) * 1.1
    span = max(t[-1], 1)
    svg.append(f'<text x="{PAD}" y="{top + 14}">{label}: max {high / 1.1:.1f}</text>')
    svg.append(f'<rect x="{PAD}" y="{top + 20}" width="{W - 2 * PAD}" height="{H - 45}" fill="none" stroke="#ccc"/>')
    path = " ".join(
        f"{PAD + (time / span) * (W - 2 * PAD):.1f},{top + 20 + (H - 45) * (1 - v / high):.1f}" for time, v in points)
    svg.append(f'<polyline points="{path}" fill="none" stroke="#1f6feb" stroke-width="1.5"/>')
    for minute in range(0, int(span / 60) + 1, 5):
        x = PAD + (minute * 60 / span) * (W - 2 * PAD)
        svg.append(f'<text x="{x:.1f}" y="{top + H - 12}" text-anchor="middle" fill="#666">{minute} min</text>')
svg.append("</svg>")
open(sys.argv[2], "w").write("\n".join(svg) + "\n")

end = t[-1]
rss5, rss_end = at("rss_mib", 300), values("rss_mib")[-1]
print(f"samples: {len(rows)} over {end / 60:.1f} minutes; plot: {sys.argv[2]}")
if rss5 and rss_end:
    change = (rss_end - rss5) / rss5
    print(f"RSS: {rss5:.0f} MiB at minute 5, {rss_end:.0f} MiB at the end ({change:+.1%}): "
          + ("within 10%" if abs(change) <= 0.10 else "NOT within 10%"))
lag = window("lag_records", 300, end + 1)
if lag:
    print(f"consumer lag after minute 5: median {statistics.median(lag):.0f}, max {max(lag):.0f} records")
early, late = window("p99_ms", 300, 600), window("p99_ms", end - 300, end + 1)
if early and late:
    a, b = statistics.median(early), statistics.median(late)
    print(f"event-to-update p99: median {a:.1f} ms in minutes 5-10, {b:.1f} ms in the last five minutes "
          f"({(b - a) / a:+.0%})")
ck = values("checkpoint_mib")
print(f"checkpoint + user store: {at('checkpoint_mib', 300) or 0:.1f} MiB at minute 5, {ck[-1] or 0:.1f} MiB at the end; "
      f"users on disk at the end: {values('users_on_disk')[-1] or 0:.0f}")
