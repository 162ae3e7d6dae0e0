#!/usr/bin/env bash
# Runs a command the way a desktop session would have it: inside `xvfb-run -a dbus-run-session`
# (see the Makefile), with a fresh, unlocked gnome-keyring as the Secret Service, in a private
# XDG_DATA_HOME so no test ever touches the real keyring.
set -euo pipefail
export XDG_DATA_HOME="$(mktemp -d)"
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
# The password must be non-empty: an empty one leaves no `login` collection.
eval "$(printf 'hearth-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
