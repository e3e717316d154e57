#!/usr/bin/env bash
# Installs every Debian package siren needs to build, test and run. Idempotent: when everything
# is already present it only checks (a second or two) and touches nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  # LibTorch (CPU) with a fast BLAS and allocator: Debian's default reference BLAS is ~30x slower.
  libtorch-dev libblis4-openmp libgoogle-perftools-dev
  # SLEEF (LibTorch's own vector math library): the fused sine layers' sin/cos kernel
  libsleef-dev
  # RPC and logging
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libspdlog-dev prometheus-cpp-dev
  # Data I/O
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev
  libsndfile1-dev
  # CLI, JSON, storage
  libcli11-dev nlohmann-json3-dev libsqlite3-dev
  # Tests (openssl: the TLS tests make their certificates with it)
  googletest libgtest-dev libgmock-dev openssl
  # PyTorch (Debian's, the same LibTorch 1.13): bench/pytorch_eager.py, the paper's way in eager mode,
  # which the parity tests compare our init and loss curves with and bench/ measures speed-ups against
  python3-torch
  # An independent PLY reader for exported meshes (bench/mesh_quality.py: watertightness, Chamfer distance)
  python3-open3d python3-scipy
  # Monitoring and deployment checks: a real Prometheus (+ promtool) for the metrics integration test,
  # yamllint for the compose and Kubernetes files
  prometheus yamllint
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
