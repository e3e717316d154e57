#!/usr/bin/env bash
# needs_library.sh LIBRARY EXECUTABLE...: fails unless every executable lists LIBRARY (a soname prefix such
# as libtcmalloc) among its needed libraries, i.e. loads it whatever its own code calls.
set -euo pipefail
library=$1
shift
status=0
for executable in "$@"; do
  if readelf -d "$executable" | grep -q "(NEEDED).*\[$library"; then
    echo "$executable: loads $library"
  else
    echo "$executable: does not load $library (the linker dropped it?)" >&2
    status=1
  fi
done
exit $status
