#!/usr/bin/env bash
# Creates .venv-jax/ with JAX (CPU) and optax, pinned, for `make bench-nn`, only when missing. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv-jax/bin/python ] && .venv-jax/bin/python -c "import jax, optax; assert jax.__version__ == \"0.10.2\"" 2>/dev/null; then exit 0; fi
if ! python3 -m venv .venv-jax 2>/dev/null; then
  sudo=""
  [ "$(id -u)" != 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
  rm -rf .venv-jax
  python3 -m venv .venv-jax
fi
echo "venv-jax: installing jax and optax (CPU)" >&2
.venv-jax/bin/python -m pip install --quiet --disable-pip-version-check jax==0.10.2 jaxlib==0.10.2 optax==0.2.8
