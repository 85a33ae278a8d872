#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install everything, then verify every snippet and
# build the site (dist/). Without a network, the guide is verified against the offline stand-in,
# with the upstream sources from the mirror in ../shared/sources when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh
npm ci --no-audit --no-fund
if [ -z "${VERIFY_SOURCES:-}" ] && [ -d ../shared/sources ]; then
  VERIFY_SOURCES="$(cd ../shared/sources && pwd)"
  export VERIFY_SOURCES
fi
npm run build -- "$@"
