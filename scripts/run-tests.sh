#!/usr/bin/env bash
# Runs the built tests. On failure, repeats at the end what a reader of a long CI
# log needs first: the failed expectations and any crash report with its threads.
set -uo pipefail
cd "$(dirname "$0")/.."
log=.build/test-output.log
mkdir -p .build
swift test --skip-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  # A parameterized test's cases start but end only with their test, so they are
  # left out of the comparison.
  grep -E "^◇ Test .* started" "$log" | grep -v "^◇ Test case passing" \
    | sed 's/^◇ Test \(.*\) started.*/\1/' | sort > .build/tests-started
  # A parameterized test ends as 'Test "name" with N test cases passed'.
  grep -E "^[✔✘] Test " "$log" | sed -E 's/^[✔✘] Test (.*) (passed|failed|recorded).*/\1/; s/ with [0-9]+ test cases?$//' \
    | sort -u > .build/tests-ended
  echo
  echo "== tests started but not finished"
  comm -23 .build/tests-started .build/tests-ended | head -20
  if grep -q "Program crashed" "$log"; then
    echo "== crash report"
    grep -A80 "Program crashed" "$log" | grep -vE "^(r[0-9a-z]+|rflags|cs|fs|gs) " | head -120
  fi
  # Last, where the tail of a CI log shows it: what failed.
  echo "== tests failed (exit $status); summary of $log"
  grep -E "✘|Fatal error|Program crashed|crashed:|^SUMMARY: |Sanitizer: reported" "$log" | head -40
fi
exit "$status"
