# From the repository root: bash reports/diagnosis/2026-12-07-ema-probe/ema.sh OUT
# Does an EMA of the generator's weights (train.ema_decay 0.95: a window of about 20 generator updates; the warm start's
# weight after the recipe's 75 updates is 0.95^75 = 2 %) take the last-step noise out of the recipe phase?
# The EMA changes nothing that trains, only what is exported: a run with it carries the plain run's generator too
# (checkpoint.pt's "generator"), so each run gives both arms, paired exactly (export_live.py writes the plain one;
# one plain run, sao seed 0, checks that they are the same bytes). One warm start at the committed shape (params.yaml
# as it is, with train.ema_decay=0.95), then `sao` at seeds 0-5 and `kw` at seeds 0-2, both arms scored on 10 clips of
# the validation recordings (the confirmation probe's valid_clips.py).
set -e
OUT=$1; HERE=reports/diagnosis/2026-12-07-ema-probe
export OMP_NUM_THREADS=2
[ -d $OUT/valid_clips ] || .venv/bin/python reports/diagnosis/2026-12-07-phase-ours-confirmation/valid_clips.py data/prepared $OUT/valid_clips
.venv/bin/ear-vae warmstart --params params.yaml --set train.ema_decay=0.95 --seed 0 --data data/prepared --out $OUT/warm/ema --log-dir $OUT/warm/ema/logs
for r in sao kw; do for s in 0 1 2 3 4 5; do
  if [ $r = kw ] && [ $s -ge 3 ]; then continue; fi
  run=$OUT/models/ema/$r/seed$s
  .venv/bin/ear-vae train --params params.yaml --set train.ema_decay=0.95 --recipe $r --seed $s --data data/prepared --warmstart $OUT/warm/ema/checkpoint.pt --out $run --log-dir $run/logs
  .venv/bin/python $HERE/export_live.py $run/checkpoint.pt $OUT/models/plain/$r/seed$s/model.pyt
  for arm in ema plain; do
    .venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint $OUT/models/$arm/$r/seed$s/model.pyt --clips $OUT/valid_clips --out $OUT/eval_valid/$arm/$r/seed$s
  done
done; done
# the warm start itself, for reference (its trained generator, not its EMA)
.venv/bin/python $HERE/export_live.py $OUT/warm/ema/checkpoint.pt $OUT/models/plain/warmstart/model.pyt
.venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint $OUT/models/plain/warmstart/model.pyt --clips $OUT/valid_clips --out $OUT/eval_valid/plain/warmstart
.venv/bin/ear-vae control --clips $OUT/valid_clips --out $OUT/eval_valid_control   # the two controls on the same clips
# the check: a run without the EMA, from the same warm start without its EMA, exports the same bytes as export_live.py
.venv/bin/python $HERE/plain_warmstart.py $OUT/warm/ema/checkpoint.pt $OUT/warm/plain/checkpoint.pt
.venv/bin/ear-vae train --params params.yaml --recipe sao --seed 0 --data data/prepared --warmstart $OUT/warm/plain/checkpoint.pt --out $OUT/check/sao/seed0 --log-dir $OUT/check/sao/seed0/logs
cmp $OUT/check/sao/seed0/model.pyt $OUT/models/plain/sao/seed0/model.pyt && echo "check: the plain run's model.pyt is export_live.py's, byte for byte"
