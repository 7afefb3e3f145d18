#!/usr/bin/env bash
# Installs the system packages StreamRec needs, only when they are missing:
# librdkafka-dev (the Kafka client library), zlib1g-dev (gzip input),
# librocksdb-dev (the engine's on-disk user state), pkg-config
# (to find them), kcat (a Kafka client we did not write, for interop tests and
# the demo) and curl (the HTTP tests).
set -euo pipefail

missing=()
pkg-config --exists rdkafka 2>/dev/null || missing+=(librdkafka-dev)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
pkg-config --exists rocksdb 2>/dev/null || missing+=(librocksdb-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# --test: also what only the tests use, in the same apt-get run: Chromium (the
# dashboard test) and Python's venv (for install-python-client.sh).
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv python3-pip)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
"$(dirname "$0")/apt-install.sh" "${missing[@]}"
