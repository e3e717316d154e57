#!/usr/bin/env bash
# CTest's siren_python_client: installs the Python client (client/python) from this source tree into a
# directory of the build, then runs its pytest suite (client/python/tests) against the real siren-server and
# CLI of the build, with the Python of the client's virtual environment (scripts/install-deps.sh makes it).
#   run_pytest.sh --source-dir DIR --work-dir DIR --server-bin PATH --cli-bin PATH [--test-task-server-bin PATH]
#                 [-- PYTEST ARGS]
# Without the environment it fails (it never skips): `make test` installs it, so its absence is a broken setup.
set -euo pipefail

source_dir="" work_dir="" server_bin="" cli_bin="" test_task_server_bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --source-dir) source_dir="$2"; shift 2 ;;
    --work-dir) work_dir="$2"; shift 2 ;;
    --server-bin) server_bin="$2"; shift 2 ;;
    --cli-bin) cli_bin="$2"; shift 2 ;;
    --test-task-server-bin) test_task_server_bin="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "run_pytest.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
: "${source_dir:?--source-dir is required}" "${work_dir:?--work-dir is required}"
: "${server_bin:?--server-bin is required}" "${cli_bin:?--cli-bin is required}"
# Absolute: the tests run from the work directory.
source_dir=$(realpath -m "$source_dir") work_dir=$(realpath -m "$work_dir")
server_bin=$(realpath -m "$server_bin") cli_bin=$(realpath -m "$cli_bin")
if [ -n "$test_task_server_bin" ]; then test_task_server_bin=$(realpath -m "$test_task_server_bin"); fi

venv="${SIREN_PYTHON_CLIENT_VENV:-$HOME/.local/share/siren/python-client}"
python="$venv/bin/python"
if ! "$python" -c "import grpc, grpc_tools, numpy, PIL, tqdm, pytest, setuptools" 2>/dev/null; then
  echo "FAILED: the Python client's environment $venv is missing or incomplete (grpcio, grpcio-tools, numpy," >&2
  echo "pillow, tqdm, pytest, setuptools). Run scripts/install-deps.sh (make test does) to create it." >&2
  exit 1
fi

# The package as `pip install ./client/python` builds it (stubs generated from proto/), into the build tree:
# the shared environment is left as install-deps.sh made it. Offline: the environment has the build tools.
site="$work_dir/site"
rm -rf "$site"
mkdir -p "$work_dir"
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --no-index \
  --target "$site" "$source_dir/client/python" > "$work_dir/pip-install.log" 2>&1 \
  || { cat "$work_dir/pip-install.log" >&2; echo "FAILED: pip install client/python" >&2; exit 1; }

export PYTHONPATH="$site" SIREN_SERVER_BIN="$server_bin" SIREN_CLI_BIN="$cli_bin"
export SIREN_BUILD_DIR="${SIREN_BUILD_DIR:-$(dirname "$(dirname "$server_bin")")}"
if [ -n "$test_task_server_bin" ]; then export SIREN_TEST_TASK_SERVER_BIN="$test_task_server_bin"; fi
unset SIREN_SERVER SIREN_TOKEN SIREN_TLS_CA SIREN_TLS_CERT SIREN_TLS_KEY  # the tests choose their servers
cd "$work_dir"  # not the source tree: `import siren` must find the installed package
exec "$python" -m pytest -p no:cacheprovider -rs --durations=8 "$source_dir/client/python/tests" "$@"
