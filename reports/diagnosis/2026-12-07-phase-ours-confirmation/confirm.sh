# From the repository root: bash reports/diagnosis/2026-12-07-phase-ours-confirmation/confirm.sh OUT
# kw, phase and phase_ours at the new seeds 3, 4, 5, each continuing the committed warm start for its 150 recipe steps
# as the pipeline's train stage does, scored on the 10 test clips (OUT/eval_test); then every model of the three recipes
# at seeds 0-5 (0-2: the committed ones) scored on 10 clips of the validation tracks (OUT/valid_clips, OUT/eval_valid).
set -e
OUT=$1; HERE=reports/diagnosis/2026-12-07-phase-ours-confirmation
export OMP_NUM_THREADS=2
.venv/bin/python $HERE/valid_clips.py data/prepared $OUT/valid_clips
for s in 3 4 5; do for r in kw phase phase_ours; do
  run=$OUT/models/$r/seed$s
  .venv/bin/ear-vae train --params params.yaml --recipe $r --seed $s --data data/prepared --warmstart models/warmstart/checkpoint.pt --out $run --log-dir $run/logs
  .venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint $run/model.pyt --clips data/test_clips --out $OUT/eval_test/$r/seed$s
done; done
for s in 0 1 2 3 4 5; do for r in kw phase phase_ours; do
  ck=models/$r/seed$s/model.pyt; if [ $s -ge 3 ]; then ck=$OUT/models/$r/seed$s/model.pyt; fi
  .venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint $ck --clips $OUT/valid_clips --out $OUT/eval_valid/$r/seed$s
done; done
