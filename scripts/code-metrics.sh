#!/usr/bin/env bash
# Figures a reviewer asks of the tree: README size, public declarations per
# module, sendability escape hatches, long lines and the largest file per module.
#   scripts/code-metrics.sh
set -euo pipefail
cd "$(dirname "$0")/.."

echo "README.md: $(wc -c < README.md) bytes"
echo "declarations per module: public (and open), package"
for dir in Sources/*/; do
  module=$(basename "$dir")
  public=$( (grep -rhE '^\s*(@[A-Za-z]+ )*(public|open) ' --include='*.swift' "$dir" || true) | wc -l)
  package=$( (grep -rhE '^\s*(@[A-Za-z]+ )*package ' --include='*.swift' "$dir" || true) | wc -l)
  if [ $((public + package)) -gt 0 ]; then printf '  %-18s %4d %4d\n' "$module" "$public" "$package"; fi
done
echo "types declared @unchecked Sendable: $( (grep -rnE '(:|,) *@unchecked Sendable' --include='*.swift' Sources Tests Benchmarks || true) | wc -l)"
echo "NSLock: $(grep -rnw 'NSLock' --include='*.swift' Sources Tests Benchmarks | wc -l)"
echo "lines over 120 columns: $(find Sources Tests Benchmarks -name '*.swift' -print0 | xargs -0 awk 'length > 120' | wc -l)"
echo "largest file per module (lines):"
for dir in Sources/*/ Tests/*/ Benchmarks/*/; do
  largest=$(find "$dir" -name '*.swift' -print0 | xargs -0 -r wc -l | grep -v ' total$' | sort -n | tail -1 || true)
  if [ -n "$largest" ]; then printf '  %s\n' "$largest"; fi
done
