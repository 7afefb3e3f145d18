#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium when missing: the dashboard test
# and scripts/dashboard-check.sh load the live dashboard in it.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root (or sudo) to install: chromium" >&2; exit 1; }
  SUDO=sudo
fi
echo "installing: chromium" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
