#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time, starting from the repository's corpus (read-only: new
# inputs go to a scratch directory). A crash, leak, sanitizer report, timeout or out-of-memory fails the
# test and leaves the input in FINDINGS_DIR; add it to the corpus once fixed.
# $SIREN_FUZZ_SEED, when set, fixes libFuzzer's seed (CI: a run that explores the same inputs each time,
# so a red CI means a change, not a lucky draw; unset, every run explores anew).
#   run_fuzzer.sh FUZZER CORPUS_DIR FINDINGS_DIR SECONDS
set -euo pipefail
fuzzer=$1 corpus=$2 findings=$3 seconds=$4
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$findings"
exec "$fuzzer" "$scratch" "$corpus" \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$findings/" ${SIREN_FUZZ_SEED:+-seed="$SIREN_FUZZ_SEED"}
