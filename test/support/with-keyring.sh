#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so tests use
# the real OS keychain (Secret Service) without touching the user's own keyring.
set -eu
if [ "${SCIMDESK_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
XDG_DATA_HOME="$(mktemp -d)"
export XDG_DATA_HOME SCIMDESK_IN_KEYRING=1
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
# The password only unlocks this throwaway keyring; it protects nothing.
dbus-run-session -- sh -c 'echo -n scimdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
