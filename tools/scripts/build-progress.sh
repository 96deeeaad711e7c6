#!/usr/bin/env bash
# Reads nx's output on stdin and keeps it all in the file named by $1. When stderr is a terminal, shows
# one line there, redrawn per task: "vth: building 3/17 @vth/manager:build"; in a pipe it prints nothing.
set -uo pipefail
log="$1"
: >"$log"
total="?"
done_count=0
tty=0
[ -t 2 ] && tty=1
while IFS= read -r line; do
  printf '%s\n' "$line" >>"$log"
  [ "$tty" = 1 ] || continue
  case "$line" in
    *"Running target "*" tasks it depends on"*)
      deps=$(printf '%s' "$line" | sed -n 's/.* and \([0-9][0-9]*\) tasks\{0,1\} it depends on.*/\1/p')
      [ -n "$deps" ] && total=$((deps + 1))
      ;;
    *"> nx run "*)
      done_count=$((done_count + 1))
      task=${line#*> nx run }
      task=${task%% *}
      printf '\r\033[Kvth: building %s/%s %s' "$done_count" "$total" "$task" >&2
      ;;
  esac
done
if [ "$tty" = 1 ] && [ "$done_count" -gt 0 ]; then printf '\r\033[K' >&2; fi
exit 0
