#!/usr/bin/env bash
# `make push` and `make pull` (README, "Shared results"): dvc push / dvc pull, with what they did, and why when they
# did nothing or refused. Usage: bash scripts/dvc_share.sh push|pull   (DVC: the dvc to run, default `dvc`)
set -uo pipefail
ACTION=${1:?usage: bash scripts/dvc_share.sh push|pull}
DVC=${DVC:-dvc}
if [ -z "$("$DVC" remote list 2>/dev/null)" ]; then
  echo "make $ACTION: no DVC remote is configured: add one with 'dvc remote add -d shared PATH_OR_URL' (README, Shared results)" >&2; exit 1
fi
LOG=$(mktemp); trap 'rm -f "$LOG"' EXIT
"$DVC" "$ACTION" >"$LOG" 2>&1; rc=$?
missing=$(grep -c '^md5: \|^name: ' "$LOG" || true)
grep -v '^md5: \|^name: \|^WARNING: Some of the cache files do not exist' "$LOG" | { [ "$missing" -gt 0 ] && grep -v '^Everything is up to date' || cat; } || true
if [ "$ACTION" = push ]; then
  if [ "$missing" -gt 0 ]; then
    echo "make push: $missing output(s) of dvc.lock are not in this clone's DVC cache and were not pushed: they were not made here" \
         "(make repro) nor pulled (make pull). A quickstart's model (quickstart/) is not a pipeline output: DVC never pushes it." >&2
    exit 1
  fi
  if [ "$rc" -ne 0 ]; then echo "make push: dvc push failed (its error is above); nothing is known to have reached the remote" >&2
  elif ! grep -q 'files\? pushed' "$LOG"; then echo "make push: nothing new to push: the remote already holds every output of dvc.lock that this clone has"; fi
elif [ "$rc" -ne 0 ] && grep -q -- '--force' "$LOG"; then
  echo "make pull: DVC refused to overwrite outputs of dvc.lock that exist here and differ from it (for example data/prepared" \
       "made by 'ear-vae quickstart'). 'dvc pull --force' would DELETE them: move them aside first (mv data/prepared" \
       "data/prepared.mine), or pull into a fresh clone." >&2
fi
exit $rc
