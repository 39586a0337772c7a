# From the repository root: bash reports/diagnosis/2026-12-08-recipe-length-probe/length.sh OUT PIPELINE_MODELS
# With the EMA, no recipe's 150 steps improve on the warm start they continue (README, Results). Is 150 steps too short
# for the recipes to act? The pipeline's own runs (PIPELINE_MODELS: the models/ folder of the committed EMA run, whose
# checkpoint.pt is at step 2150) are extended by raising train.steps (a resume: the schedule depends on the step only,
# so an extended run is the run trained straight to that step) to 2300 and 2450 steps: 150, 300, 450 recipe steps.
# `sao` and `kw` at seeds 0 and 1, each length's exported EMA scored on the 10 validation clips of the confirmation
# probe (valid_clips.py), beside the warm start's EMA and both controls on the same clips.
set -e
OUT=$1; MODELS=$2; HERE=reports/diagnosis/2026-12-08-recipe-length-probe
export OMP_NUM_THREADS=2
[ -d $OUT/valid_clips ] || .venv/bin/python reports/diagnosis/2026-12-07-phase-ours-confirmation/valid_clips.py data/prepared $OUT/valid_clips
[ -f $OUT/eval_valid/warmstart/per_file.csv ] || .venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint $MODELS/warmstart/checkpoint.pt --clips $OUT/valid_clips --out $OUT/eval_valid/warmstart
[ -f $OUT/eval_valid_control/mono_downmix/per_file.csv ] || .venv/bin/ear-vae control --clips $OUT/valid_clips --out $OUT/eval_valid_control
for s in 0 1; do for r in kw sao; do
  run=$OUT/runs/$r/seed$s
  if [ ! -d $run ]; then mkdir -p $OUT/runs/$r && cp -r $MODELS/$r/seed$s $run; fi
  for steps in 2150 2300 2450; do
    if [ $steps != 2150 ] && [ ! -f $OUT/models/$r/seed$s/step$steps/model.pyt ]; then
      .venv/bin/ear-vae train --params params.yaml --recipe $r --seed $s --data data/prepared --warmstart $MODELS/warmstart/checkpoint.pt --out $run --log-dir $run/logs --set train.steps=$steps
    fi
    mkdir -p $OUT/models/$r/seed$s/step$steps
    if [ ! -f $OUT/models/$r/seed$s/step$steps/model.pyt ]; then   # the run must stand at this length (a refused resume would start afresh)
      .venv/bin/python -c "import sys, torch; s = torch.load(sys.argv[1], map_location='cpu', weights_only=False)['step']; sys.exit(f'{sys.argv[1]}: step {s}, not {sys.argv[2]}' if s != int(sys.argv[2]) else 0)" $run/checkpoint.pt $steps
      cp $run/model.pyt $run/model_config.json $OUT/models/$r/seed$s/step$steps/
    fi
    [ -f $OUT/eval_valid/$r/seed$s/step$steps/per_file.csv ] || .venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint $OUT/models/$r/seed$s/step$steps/model.pyt --clips $OUT/valid_clips --out $OUT/eval_valid/$r/seed$s/step$steps
  done
done; done
