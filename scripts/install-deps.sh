#!/usr/bin/env bash
# Installs everything siren needs to build, test and run: Debian's packages, and PyTorch 2.11.0 from PyPI
# (its LibTorch is the one siren links; the GPU machines run the same 2.11.0+cu130) in a virtual
# environment. Idempotent: when everything is already present it only checks (a few seconds).
#   install-deps.sh           everything: build, run, test, bench
#   install-deps.sh --demo    what building and running the server and the CLI need (`make demo`: a newcomer's
#                             first result does not wait for the test suite's tools; `make test` adds them)
set -euo pipefail

# The pinned PyTorch and where it lives; cmake/Torch.cmake looks there first.
TORCH_VERSION="2.11.0"
TORCH_VENV="${SIREN_TORCH_VENV:-$HOME/.local/share/siren/torch-$TORCH_VERSION}"

# The Python client's environment (client/python; CTest's siren_python_client, tests/python/run_pytest.sh):
# gRPC with the tools that generate the client's stubs when it is built, NumPy, Pillow, tqdm and pytest, pinned,
# from PyPI and apart from the system's packages (Debian's python3-grpcio is too old for the generated code).
PYTHON_CLIENT_VENV="${SIREN_PYTHON_CLIENT_VENV:-$HOME/.local/share/siren/python-client}"
python_client_packages=(
  grpcio==1.85.3 grpcio-tools==1.85.1 protobuf==7.36.2 numpy==2.4.6 pillow==13.0.0 tqdm==4.70.1 pytest==9.2.0
  setuptools==84.2.1 wheel==0.48.0
)

scope=all
case "${1:-}" in
  "") ;;
  --demo) scope=demo ;;
  *) echo "usage: install-deps.sh [--demo]" >&2; exit 2 ;;
esac

# What building and running siren needs.
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  # BLIS: on AMD CPUs its GEMMs beat the MKL inside the PyTorch wheel for the forward shapes, so siren's
  # hot CPU GEMMs go to it (core/src/blas/blis.cpp); tcmalloc: see shared/deps.md.
  libblis4-openmp libgoogle-perftools-dev
  # SLEEF (LibTorch's own vector math library): the fused sine layers' sin/cos kernel
  libsleef-dev
  # RPC and logging
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libspdlog-dev prometheus-cpp-dev
  # Data I/O
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev
  libsndfile1-dev
  # MATLAB .mat files: the inverse Helmholtz task's receiver data
  libmatio-dev
  # Archives (image-prior's datasets; folders sent as tar)
  libarchive-dev
  # CLI, JSON, storage
  libcli11-dev nlohmann-json3-dev libsqlite3-dev
  # libpq: the job database on PostgreSQL (siren-server --database postgresql://...)
  libpq-dev
  # The virtual environment for PyTorch (it sees the system's packages: Open3D, SciPy below)
  python3-venv python3-pip
)
# What the tests and the bench need besides.
test_packages=(
  # openssl: the TLS tests make their certificates with it
  googletest libgtest-dev libgmock-dev openssl
  # An independent PLY reader for exported meshes (bench/mesh_quality.py: watertightness, Chamfer distance)
  python3-open3d python3-scipy
  # Monitoring and deployment checks: a real Prometheus (+ promtool) for the metrics integration test,
  # yamllint for the compose and Kubernetes files
  prometheus yamllint
  # A real PostgreSQL server, started by the job database tests in a temp dir (tests/support/postgres_instance.h)
  postgresql
  # The foreign fuzzer (tests/integration/foreign_fuzz.py): Python's gRPC (with protobuf), no stubs of ours
  python3-grpcio
)

missing_packages() {
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then echo "$p"; fi
  done
}

apt_install() {
  local SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${apt_updated:-}" ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "$@"
}

# PyTorch from PyPI: the default wheel of 2.11.0 is built for CUDA 13.0 and runs on machines without a GPU
# too (there is no CPU-only wheel on PyPI). About 4.6 GB with its nvidia-* runtime wheels.
torch_python="$TORCH_VENV/bin/python"
torch_pid=""
if "$torch_python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
  echo "install-deps: PyTorch $TORCH_VERSION present in $TORCH_VENV"
else
  # The wheel downloads while apt installs the rest: on a fresh machine the two take minutes each.
  mapfile -t venv_missing < <(missing_packages python3-venv python3-pip)
  if [ ${#venv_missing[@]} -gt 0 ]; then apt_install "${venv_missing[@]}"; fi
  echo "install-deps: downloading PyTorch $TORCH_VERSION for $TORCH_VENV (a few minutes, alongside apt)"
  /usr/bin/python3 -m venv --system-site-packages "$TORCH_VENV"
  # Only the download runs alongside apt: the install resolves against the system's Python packages (the
  # environment sees them), which must not be half-unpacked by dpkg at the time.
  torch_wheels=$(mktemp -d)
  "$torch_python" -m pip download --quiet --disable-pip-version-check -d "$torch_wheels" "torch==$TORCH_VERSION" &
  torch_pid=$!
fi

if [ "$scope" = all ]; then packages+=("${test_packages[@]}"); fi
mapfile -t missing < <(missing_packages "${packages[@]}")
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
else
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  apt_install "${missing[@]}"
fi

if [ -n "$torch_pid" ]; then
  wait "$torch_pid" || { echo "install-deps: downloading PyTorch $TORCH_VERSION failed" >&2; exit 1; }
  "$torch_python" -m pip install --quiet --disable-pip-version-check --no-index --find-links "$torch_wheels" \
    "torch==$TORCH_VERSION"
  rm -rf "$torch_wheels"
  echo "install-deps: PyTorch $TORCH_VERSION installed in $TORCH_VENV"
fi

# The Python client's environment (test scope): made again when its pins change (the list is kept beside it).
if [ "$scope" = all ]; then
  python_client_python="$PYTHON_CLIENT_VENV/bin/python"
  python_client_stamp="$PYTHON_CLIENT_VENV/siren-packages.txt"
  if [ -x "$python_client_python" ] && [ "$(cat "$python_client_stamp" 2>/dev/null)" = "${python_client_packages[*]}" ]; then
    echo "install-deps: the Python client's packages present in $PYTHON_CLIENT_VENV"
  else
    echo "install-deps: installing the Python client's packages in $PYTHON_CLIENT_VENV"
    /usr/bin/python3 -m venv "$PYTHON_CLIENT_VENV"
    "$python_client_python" -m pip install --quiet --disable-pip-version-check "${python_client_packages[@]}"
    echo "${python_client_packages[*]}" > "$python_client_stamp"
  fi
fi
