#!/usr/bin/env bash
# The one command for an offline GPU node (see nbs/11_offline.ipynb):
#   bash scripts/offline_gpu_run.sh OUT [BUDGET_SECONDS]
# Installs the bundle's wheels into a temporary folder (no network), then runs the CUDA tests, the GPU bench, the lever bench and
# the paired ablation inside BUDGET_SECONDS (default 540) counted from now, writing at most 8 files to OUT.
# Environment: EAR_VAE_BUNDLE (default: bundle/ of this repository), EAR_VAE_OFFLINE_ARGS (extra arguments of
# `python -m ear_vae.offline run`, e.g. "--preset small --batch 8"), PYTHON (default python3).
set -euo pipefail
STARTED=$(date +%s)
OUT=${1:?usage: bash scripts/offline_gpu_run.sh OUT [BUDGET_SECONDS]}
BUDGET=${2:-540}
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE=${EAR_VAE_BUNDLE:-$REPO/bundle}
PY=${PYTHON:-python3}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
LOG="$OUT/log.txt"
if [ ! -f "$BUNDLE/manifest.json" ]; then
  echo "error: $BUNDLE/manifest.json not found: run 'make bundle' before copying the repository to the node" | tee -a "$LOG" >&2; exit 1
fi
# first, with the standard library only: do the node image and the bundle's wheels cover every module-level import?
if compgen -G "$BUNDLE/wheels/*.whl" >/dev/null; then
  PYTHONPATH="$REPO" "$PY" -m ear_vae.preflight --wheels "$BUNDLE/wheels" 2> >(tee -a "$LOG" >&2)
fi
SITE=$(mktemp -d "${TMPDIR:-/tmp}/ear_vae_site.XXXXXX")
trap 'rm -rf "$SITE"' EXIT
if "$PY" -c "import fastcore, soundfile, auraloss, librosa, pyloudnorm" 2>/dev/null; then
  echo "the runtime packages are installed already: the bundle's wheels are not needed" | tee -a "$LOG"
elif compgen -G "$BUNDLE/wheels/*.whl" >/dev/null; then
  echo "installing $(ls "$BUNDLE"/wheels/*.whl | wc -l) wheels into $SITE (no network)" | tee -a "$LOG"
  "$PY" -m pip install --quiet --no-index --no-deps --no-compile --no-cache-dir --target "$SITE" "$BUNDLE"/wheels/*.whl 2>&1 | tee -a "$LOG"
fi
export PYTHONPATH="$REPO:$SITE${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 MPLBACKEND=Agg
# then every ear_vae module imported: anything still missing stops the run here, in one line
"$PY" -m ear_vae.preflight --import-all 2> >(tee -a "$LOG" >&2) | tee -a "$LOG"
RC=0
# shellcheck disable=SC2086
"$PY" -m ear_vae.offline run --bundle "$BUNDLE" --out "$OUT" --budget "$BUDGET" --started "$STARTED" ${EAR_VAE_OFFLINE_ARGS:-} 2>&1 | tee -a "$LOG" || RC=$?
# a run killed by a signal writes no line of its own (the OOM killer sends 9): say so in the log that comes back
if [ "$RC" -gt 128 ]; then
  echo "error: the run was killed by signal $((RC - 128))$([ "$RC" -eq 137 ] && echo ' (SIGKILL: out of memory? the batch in the offline: section of params.yaml is sized for a GPU node)')" | tee -a "$LOG" >&2
fi
exit "$RC"
