#!/bin/sh
# Installs what a fresh machine lacks: the Debian packages ScimDesk's native modules and tests
# need (only those dpkg says are missing; skipped where there is no apt), then the npm
# dependencies (native modules compile for this machine's Node). fonts-wqy-microhei: without a
# CJK font, Chromium draws the demo data's Chinese, Japanese and Korean names as boxes.
set -eu
cd "$(dirname "$0")/.."

APT_PACKAGES="libsecret-1-dev gnome-keyring libsecret-tools dbus chromium fonts-wqy-microhei ${SCIMDESK_EXTRA_APT:-}"

if command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=""
  for p in $APT_PACKAGES; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing Debian packages:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
  fi
fi

# npm ci only when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (native modules compile, about 2 minutes)"
  npm ci --no-audit --no-fund
fi
