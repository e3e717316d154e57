#!/usr/bin/env bash
# The GPU check: builds what a GPU machine needs from this working tree, runs the `gpu` tests there and
# measures siren against eager PyTorch on the same GPU.
#
#   scripts/gpu-check.sh --prepare      on a machine with Debian's packages (yours, CI's): copies the few
#                                       sources a bare GPU machine lacks (GoogleTest, nlohmann-json; ~5 MB)
#                                       into .gpu-carry/ (git-ignored), to travel with the tree
#   scripts/gpu-check.sh                on the GPU machine (PyTorch 2.11 with CUDA, nvcc, CMake, ninja,
#                                       nothing else): LibTorch-only build of core + bench + GPU tests,
#                                       `ctest -L gpu`, then siren-bench --device cuda next to eager PyTorch
#   scripts/gpu-check.sh --build-only   the build step alone (CI runs it so the GPU build cannot rot)
#
# Environment: SIREN_TORCH_PYTHON (the Python with torch; default: install-deps.sh's virtual environment,
# else python3), GPU_BUILD_DIR (default build-gpu), GPU_BENCH_REPEATS (default 5), GPU_STAGE_SECONDS (each
# stage's time limit, default 240: a lease is short, and one stage that hangs must not take the rest),
# GPU_PRECOMPILED_HEADERS (ON: --build-only precompiles LibTorch's headers, as the check always does).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${GPU_BUILD_DIR:-build-gpu}"
CARRY_DIR=".gpu-carry"
REPEATS="${GPU_BENCH_REPEATS:-5}"
STAGE_SECONDS="${GPU_STAGE_SECONDS:-240}"

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

mode=check
case "${1:-}" in
  --prepare) mode=prepare ;;
  --build-only) mode=build ;;
  "") ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

prepare() {
  rm -rf "$CARRY_DIR"
  mkdir -p "$CARRY_DIR/include"
  cp -r /usr/src/googletest "$CARRY_DIR/googletest"
  cp -r /usr/include/nlohmann "$CARRY_DIR/include/nlohmann"
  echo "gpu-check: $(du -sh "$CARRY_DIR" | cut -f1) in $CARRY_DIR (GoogleTest sources, nlohmann-json headers)"
}

torch_python() {
  if [ -n "${SIREN_TORCH_PYTHON:-}" ]; then echo "$SIREN_TORCH_PYTHON"; return; fi
  local venv="$HOME/.local/share/siren/torch-2.11.0/bin/python"
  if [ -x "$venv" ]; then echo "$venv"; else command -v python3; fi
}

# $1: ON to precompile LibTorch's headers (a GPU machine has no compiler cache; CI's build keeps them off
# so that ccache hits).
build() {
  local python
  python="$(torch_python)"
  echo "gpu-check: LibTorch from $("$python" -c 'import torch; print(torch.__version__, torch.__file__)')"
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIREN_LIBTORCH_ONLY=ON \
    -DSIREN_PRECOMPILED_HEADERS="${1:-OFF}" \
    -DSIREN_TORCH_PYTHON="$python" -DSIREN_CARRY_DIR="$PWD/$CARRY_DIR" > "$BUILD_DIR.configure.log" 2>&1 \
    || { cat "$BUILD_DIR.configure.log"; exit 1; }
  grep -E "^-- siren:" "$BUILD_DIR.configure.log" || true
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target siren_gpu_tests siren-bench
}

# One stage under its time limit; its failure is reported and the next stage still runs.
stage() {
  echo "gpu-check: == $*"
  local begun=$(date +%s) code=0
  timeout --kill-after=10 "$STAGE_SECONDS" "$@" || code=$?
  echo "gpu-check: -- exit $code after $(( $(date +%s) - begun )) s: $1 ${2:-}"
  return $code
}

# The wheel's libtorch.so exports a std::filesystem of its own whose remove_all jumps to a null address;
# the build lists libstdc++ first among each program's libraries so that the system's copy is the one
# found (cmake/Torch.cmake). A toolchain whose link loses that order (the H200 machines' GCC 13 in /opt/gcc
# did, 2026-12-04) gets the system's libstdc++ preloaded instead, and says so.
put_libstdcxx_first() {
  local program="$1" first
  first=$(readelf -d "$program" | awk '/NEEDED/ {print $NF; exit}')
  [[ "$first" == *libstdc++* ]] && return 0
  echo "gpu-check: $program needs $first before libstdc++ ($(command -v c++ || true):" \
    "$(c++ -print-file-name=libstdc++.so 2>/dev/null || true)); preloading the system's libstdc++"
  export LD_PRELOAD
  LD_PRELOAD="$(ldd "$program" | awk '/libstdc\+\+/ {print $3; exit}')"
}

run_checks() {
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader \
    || echo "gpu-check: no nvidia-smi"
  local status=0 tests="$BUILD_DIR/tests/siren_gpu_tests"
  put_libstdcxx_first "$tests"
  # The test program itself rather than `ctest -L gpu`: the same cases, without depending on how this
  # machine's CMake discovers them.
  stage "$tests" --gtest_brief=1 || status=$?
  local bench="stage $BUILD_DIR/bench/siren-bench"
  # Training steps and queries next to eager PyTorch on the same GPU (as installed, and at siren's
  # precision); meshing without eager (time and host memory are the figures); the GEMMs against peak.
  $bench --device cuda --repeats "$REPEATS" --workloads image,image-rgb,sdf,poisson-lapl,query,query-gradients \
    --size 512 --sdf-points 250000 --query-points 16777216 || status=$?
  # The SDF step by autograd's double backward instead of the gradient node (sine_gradient.h).
  $bench --device cuda --repeats "$REPEATS" --workloads sdf --sdf-points 250000 --eager off --closed-form off \
    || status=$?
  # BF16 products (autocast), against eager PyTorch at the same precision.
  $bench --device cuda --precision bf16 --repeats "$REPEATS" --workloads image --size 512 || status=$?
  # The same steps as plain launches: what the CUDA graphs bring.
  $bench --device cuda --repeats "$REPEATS" --workloads image,sdf --size 512 --sdf-points 250000 --eager off \
    --cuda-graphs off || status=$?
  $bench --device cuda --workloads mesh --mesh-resolutions 512,1024 --eager off --repeats 1 || status=$?
  $bench --device cuda --workloads mesh --mesh-resolutions 512 --mesh-sampling dense --eager off --repeats 1 \
    || status=$?
  $bench --device cuda --workloads gemm-peak --eager off || status=$?
  # Many small fits: 64 fits of 32^2 with 3x64 networks one at a time, then as one pack (fits/s).
  $bench --device cuda --workloads packed --eager off --repeats 2 || status=$?
  return $status
}

case "$mode" in
  prepare) prepare ;;
  build) build "${GPU_PRECOMPILED_HEADERS:-OFF}" ;;
  check)
    start=$(date +%s)
    build ON
    echo "gpu-check: built in $(( $(date +%s) - start )) s"
    run_checks
    echo "gpu-check: done in $(( $(date +%s) - start )) s"
    ;;
esac
