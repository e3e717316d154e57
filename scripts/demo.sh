#!/usr/bin/env bash
# The demo behind `make demo`: start a local siren-server, fit the bundled cameraman image through the CLI
# with a live progress bar, render the reconstruction and a 2x super-resolution, print the PSNR.
# Settings: DEMO_STEPS (default 300), DEMO_OUT (default demo-out), BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
OUT=${DEMO_OUT:-demo-out}
STEPS=${DEMO_STEPS:-300}
IMAGE=data/cameraman_256.png
SERVER_BIN=$BUILD_DIR/server/siren-server
SIREN=$BUILD_DIR/client/siren

mkdir -p "$OUT"
rm -f "$OUT/port"
"$SERVER_BIN" --port 0 --port-file "$OUT/port" --data-dir "$OUT/data" --log-level warn > "$OUT/server.log" 2>&1 &
server_pid=$!
trap 'kill -TERM $server_pid 2>/dev/null; wait $server_pid 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  [ -s "$OUT/port" ] && break
  kill -0 $server_pid 2>/dev/null || { cat "$OUT/server.log"; echo "siren-server failed to start" >&2; exit 1; }
  sleep 0.1
done
[ -s "$OUT/port" ] || { echo "siren-server did not report its port" >&2; exit 1; }
export SIREN_SERVER="127.0.0.1:$(cat "$OUT/port")"
echo "siren-server listening on $SIREN_SERVER (data in $OUT/data, log in $OUT/server.log)"

json_field() {  # json_field NAME < one JSON line
  sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p"
}

echo
echo "Fitting $IMAGE: SIREN 3x256, omega0 30, Adam 1e-4, full batch, $STEPS steps (the paper's defaults, fewer steps)"
job_id=$("$SIREN" fit image "$IMAGE" --steps "$STEPS" --name demo-cameraman --no-watch)
"$SIREN" watch "$job_id"

final=$("$SIREN" job "$job_id" --json | tail -n 1)
model_id=$(echo "$final" | json_field model_id)
psnr=$(echo "$final" | json_field psnr)

"$SIREN" render "$model_id" -o "$OUT/reconstruction.png"
"$SIREN" render "$model_id" --scale 2 -o "$OUT/superres_2x.png"

echo
echo "job $job_id -> model $model_id"
printf 'PSNR after %s steps: %.2f dB\n' "$STEPS" "$psnr"
echo "reconstruction (256x256):      $OUT/reconstruction.png"
echo "2x super-resolution (512x512): $OUT/superres_2x.png"
