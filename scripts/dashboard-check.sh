#!/usr/bin/env bash
# Loads the live dashboard in headless Chromium, saves a screenshot and fails
# when the page reports a script error or a chart received no data.
#
#   scripts/dashboard-check.sh [URL] [SCREENSHOT]
#
# Without a URL it starts `streamrec demo --stay` on a free port, waits for
# the sample to flow, checks, and stops the demo. The screenshot defaults to
# dashboard.png. Needs chromium (scripts/install-deps.sh --test).
set -euo pipefail
cd "$(dirname "$0")/.."

url="${1:-}"
shot="${2:-dashboard.png}"
demo_pid=""
work="$(mktemp -d)"
cleanup() {
  [ -n "$demo_pid" ] && kill -TERM "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

if [ -z "$url" ]; then
  bin="${DASHBOARD_CHECK_STREAMREC:-$(swift build --show-bin-path)/streamrec}"
  [ -x "$bin" ] || swift build --product streamrec >/dev/null
  STREAMREC_HOME="$work/home" "$bin" demo --http 127.0.0.1:0 --events 6000 --rate 400 --stay \
    >"$work/demo.out" 2>"$work/demo.err" &
  demo_pid=$!
  for _ in $(seq 1 300); do
    url="$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/demo.out" | head -1 || true)"
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the demo printed no dashboard URL" >&2; cat "$work/demo.err" >&2; exit 1; }
  # Every chart has data once updates are out and live quality has been measured.
  for _ in $(seq 1 300); do
    stats="$(curl -fsS "${url}v1/stats" || true)"
    grep -q '"live_hit_rate"' <<<"$stats" && grep -q '"live_recall_at_10"' <<<"$stats" && break
    sleep 0.1
  done
fi

page="${url}?user=user-3"
# A headless browser that never reaches its virtual time budget must not hang the
# check; on a loaded machine one screenshot took over 60 s, hence the margin.
browser=(timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1000
  --virtual-time-budget=6000 --enable-logging=stderr --v=0)
# Headless Chromium now and then never ends its virtual time on a loaded machine
# (a run alone takes seconds): one that times out is started again, twice at
# most. The checks below judge the page it finally rendered.
browse() {
  local attempt status
  for attempt in 1 2 3; do
    status=0
    "${browser[@]}" "$@" || status=$?
    [ "$status" -ne 124 ] && return "$status"
    echo "chromium timed out (attempt $attempt of 3)" >&2
  done
  return 124
}
browse --screenshot="$shot" "$page" 2>"$work/shot.err" >/dev/null
browse --dump-dom "$page" >"$work/dom.html" 2>"$work/dom.err"

failures=0
for chart in throughput lag latency quality; do
  points="$(grep -o "id=\"chart-$chart\"[^>]*data-points=\"[0-9]*\"" "$work/dom.html" | grep -o '[0-9]*"$' | tr -d '"' || true)"
  if [ -z "$points" ] || [ "$points" -eq 0 ]; then
    echo "chart $chart received no data" >&2
    failures=$((failures + 1))
  else
    echo "chart $chart: $points points"
  fi
done
if grep -q 'data-errors=' "$work/dom.html"; then
  echo "the page reported errors:" >&2
  grep -o '<div id="errors"[^<]*' "$work/dom.html" >&2
  failures=$((failures + 1))
fi
if grep -h 'CONSOLE' "$work/shot.err" "$work/dom.err" | grep -qiE 'error|uncaught'; then
  echo "console errors:" >&2
  grep -h 'CONSOLE' "$work/shot.err" "$work/dom.err" >&2
  failures=$((failures + 1))
fi
grep -q '<li' <(sed -n '/id="user-list"/,/<\/ol>/p' "$work/dom.html") || {
  echo "the followed user's list stayed empty" >&2
  failures=$((failures + 1))
}
[ -s "$shot" ] || { echo "no screenshot written" >&2; failures=$((failures + 1)); }
[ "$failures" -eq 0 ] || exit 1
echo "dashboard ok: $shot ($(wc -c <"$shot") bytes)"
