#!/usr/bin/env bash
# Installs everything siren needs to build, test and run: Debian's packages, and PyTorch 2.11.0 from PyPI
# (its LibTorch is the one siren links; the GPU machines run the same 2.11.0+cu130) in a virtual
# environment. Idempotent: when everything is already present it only checks (a few seconds).
set -euo pipefail

# The pinned PyTorch and where it lives; cmake/Torch.cmake looks there first.
TORCH_VERSION="2.11.0"
TORCH_VENV="${SIREN_TORCH_VENV:-$HOME/.local/share/siren/torch-$TORCH_VERSION}"

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  # BLIS: on AMD CPUs its GEMMs beat the MKL inside the PyTorch wheel for the forward shapes, so siren's
  # hot CPU GEMMs go to it (core/src/kernels/blis_gemm.cpp); tcmalloc: see shared/deps.md.
  libblis4-openmp libgoogle-perftools-dev
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
  # The virtual environment for PyTorch (it sees the system's packages: Open3D, SciPy below)
  python3-venv python3-pip
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
  echo "install-deps: all ${#packages[@]} Debian packages present"
else
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# PyTorch from PyPI: the default wheel of 2.11.0 is built for CUDA 13.0 and runs on machines without a GPU
# too (there is no CPU-only wheel on PyPI). About 4.6 GB with its nvidia-* runtime wheels.
torch_python="$TORCH_VENV/bin/python"
if "$torch_python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
  echo "install-deps: PyTorch $TORCH_VERSION present in $TORCH_VENV"
else
  echo "install-deps: installing PyTorch $TORCH_VERSION into $TORCH_VENV (a few minutes)"
  /usr/bin/python3 -m venv --system-site-packages "$TORCH_VENV"
  "$torch_python" -m pip install --quiet --disable-pip-version-check "torch==$TORCH_VERSION"
fi
