# From the repository root: the `phase` recipe with its phase terms weighted 5 and 20 (the default is 0.5), seeds 0-2,
# each continuing the committed warm start for its 150 recipe steps as the pipeline's train stage does, then scored on
# the 10 test clips. OUT (default /tmp/phase_weight_probe) holds the models and scores.
set -e
OUT=${1:-/tmp/phase_weight_probe}
for weight in 5 20; do
  for s in 0 1 2; do
    run=$OUT/models/phase_w$weight/seed$s
    OMP_NUM_THREADS=2 .venv/bin/ear-vae train --params params.yaml --set loss.phase_weight=$weight --recipe phase --seed $s --data data/prepared --warmstart models/warmstart/checkpoint.pt --out $run --log-dir $run/logs
    OMP_NUM_THREADS=2 .venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint $run/model.pyt --clips data/test_clips --out $OUT/eval/phase_w$weight/seed$s
  done
done
