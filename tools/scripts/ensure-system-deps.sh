#!/usr/bin/env bash
# Installs what the tests need from Debian's packages when it is missing: build tools for node-pty, the
# shells the tests drive, tmux (3.2 or later) for @vth/backend-tmux, and promtool (Debian's prometheus
# package, 2.42 or later) that checks the alerting rules @vth/alerting exports, and Chromium (Debian's
# chromium) for @vth/dashboard's browser tests, driven by playwright-core (never Playwright's download),
# and iproute2 (`ip netns`, veth pairs) for the reference app's multi-host tests.
set -euo pipefail
need=()
command -v python3 >/dev/null || need+=(python3)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
command -v bash >/dev/null || need+=(bash)
command -v dash >/dev/null || need+=(dash)
command -v ps >/dev/null || need+=(procps)
command -v tmux >/dev/null || need+=(tmux)
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
command -v promtool >/dev/null || need+=(prometheus)
# VTH_CHROMIUM names another Chromium for the dashboard's tests.
[ -x "${VTH_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
# tmux-256color, the TERM of tmux panes
[ -e /usr/share/terminfo/t/tmux-256color ] || [ -e /lib/terminfo/t/tmux-256color ] || need+=(ncurses-base)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "vth: missing ${need[*]}; install them (apt-get install ${need[*]}) and run again" >&2
    exit 1
  fi
  echo "vth: installing ${need[*]} (apt-get)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
