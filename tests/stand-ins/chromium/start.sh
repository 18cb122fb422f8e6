#!/usr/bin/env bash
# Makes sure headless Chromium is installed for the dashboard's browser tests (Playwright drives
# Debian's `chromium` package through ExecutablePath; Playwright's own browser download needs the
# internet). Meant to be `source`d by ./test.sh; skipped when /usr/bin/chromium exists.
# Exports CHROMIUM_PATH. Starts no process.
if [ -x /usr/bin/chromium ]; then
  echo "chromium stand-in: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
else
  echo "chromium stand-in: installing Debian's chromium package"
  _chromium_sudo=""
  [ "$(id -u)" -ne 0 ] && _chromium_sudo="sudo"
  { $_chromium_sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $_chromium_sudo apt-get install -y -qq chromium >/dev/null; } || {
    echo "chromium stand-in: apt-get install chromium failed; the dashboard tests will fail saying so" >&2
  }
  unset _chromium_sudo
fi
export CHROMIUM_PATH=/usr/bin/chromium
