# From the repository root: bash probe.sh OUT NAME KEY=VALUE [KEY=VALUE ...]
# The `phase` recipe with the given loss settings at seeds 0-2, each continuing the committed warm start for its 150
# recipe steps as the pipeline's train stage does, then scored on the 10 test clips: OUT/models/NAME, OUT/eval/NAME.
# The runs of this folder: phase_w5 loss.phase_weight=5; phase_w20 loss.phase_weight=20;
# aw_w05 loss.phase_style=antiwrapped; aw_w5 loss.phase_style=antiwrapped loss.phase_weight=5
set -e
OUT=$1; NAME=$2; shift 2
SETS=(); for kv in "$@"; do SETS+=(--set "$kv"); done
for s in 0 1 2; do
  run=$OUT/models/$NAME/seed$s
  OMP_NUM_THREADS=2 .venv/bin/ear-vae train --params params.yaml "${SETS[@]}" --recipe phase --seed $s --data data/prepared --warmstart models/warmstart/checkpoint.pt --out $run --log-dir $run/logs
  OMP_NUM_THREADS=2 .venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint $run/model.pyt --clips data/test_clips --out $OUT/eval/$NAME/seed$s
done
