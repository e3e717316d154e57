#!/usr/bin/env bash
# Prints the Debian packages that own the shared libraries the given binaries load (ldd), one per
# line: the runtime image installs exactly these instead of the whole build toolchain.
# Libraries no package owns (a LibTorch unpacked under /opt) are reported on stderr and skipped.
set -euo pipefail
for binary in "$@"; do
  ldd "$binary" | awk '/=> \// { print $3 }'
done | sort -u | while read -r lib; do
  real="$(realpath "$lib")"
  owner=""
  for candidate in "$lib" "$real" "${lib#/usr}" "/usr${lib}" "${real#/usr}" "/usr${real}"; do
    if owner="$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1)" && [ -n "$owner" ]; then break; fi
    owner=""
  done
  if [ -n "$owner" ]; then echo "$owner"; else echo "runtime-packages: no package owns $lib" >&2; fi
done | sort -u
