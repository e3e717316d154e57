#!/usr/bin/env bash
# needs_library.sh [--before OTHER] LIBRARY EXECUTABLE...: fails unless every executable lists LIBRARY (a
# soname prefix such as libtcmalloc) among its needed libraries, i.e. loads it whatever its own code calls;
# with --before, also ahead of OTHER (the dynamic linker takes a symbol from the first library defining it).
set -euo pipefail
before=""
if [ "${1:-}" = "--before" ]; then
  before=$2
  shift 2
fi
library=$1
shift
status=0
for executable in "$@"; do
  needed=$(readelf -d "$executable" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  position=$(grep -n -m1 "^$library" <<<"$needed" | cut -d: -f1 || true)
  if [ -z "$position" ]; then
    echo "$executable: does not load $library (the linker dropped it?)" >&2
    status=1
    continue
  fi
  if [ -n "$before" ]; then
    other=$(grep -n -m1 "^$before" <<<"$needed" | cut -d: -f1 || true)
    if [ -n "$other" ] && [ "$other" -lt "$position" ]; then
      echo "$executable: loads $before before $library" >&2
      status=1
      continue
    fi
  fi
  echo "$executable: loads $library${before:+ before $before}"
done
exit $status
