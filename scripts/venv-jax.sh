#!/usr/bin/env bash
# Creates .venv-jax/ with JAX (CPU) and optax, pinned in requirements/jax.txt, for `make bench-nn`;
# reinstalls when a pin changes. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv-requirements.sh .venv-jax requirements/jax.txt
