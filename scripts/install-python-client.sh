#!/usr/bin/env bash
# Makes a Python with confluent-kafka (a Kafka client StreamRec did not write,
# with its own librdkafka) and prometheus-client (whose text parser reads our
# /metrics) in .build/interop-venv, for the interop tests. Only what is missing
# is installed; the venv keeps the machine's Python untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.build/interop-venv
if [ -x "$VENV/bin/python3" ] && "$VENV/bin/python3" -c "import confluent_kafka, prometheus_client" 2>/dev/null; then
  exit 0
fi

mkdir -p .build
[ -x "$VENV/bin/python3" ] || python3 -m venv "$VENV"
echo "installing: confluent-kafka, prometheus-client (pip, into $VENV)" >&2
"$VENV/bin/python3" -m pip install --quiet --disable-pip-version-check confluent-kafka prometheus-client
