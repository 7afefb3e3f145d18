#!/usr/bin/env bash
# Installs the given Debian packages (apt-get update first), as root or through
# sudo. The install scripts call it with what they found missing.
set -euo pipefail
[ $# -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root (or sudo) to install: $*" >&2; exit 1; }
  SUDO=sudo
fi
echo "installing: $*" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "$@" >/dev/null
