# From the repository root: full with the correlation loss's eps at 1e-16 (full_eps) and full with the channel reading (full_lr),
# seeds 0-2, each continuing the committed warm start for its 150 recipe steps, then scored on the 10 test clips.
set -e
for arm in "full_eps loss.correlation_eps=1e-16" "full_lr loss.correlation_style=authors_lr"; do
  set -- $arm
  for s in 0 1 2; do
    OMP_NUM_THREADS=2 .venv/bin/ear-vae train --params params.yaml --set $2 --recipe full --seed $s --data data/prepared --warmstart models/warmstart/checkpoint.pt --out /tmp/s15/probe/$1/seed$s --log-dir /tmp/s15/probe/$1/seed$s/logs
    OMP_NUM_THREADS=2 .venv/bin/ear-vae evaluate-model --params params.yaml --checkpoint /tmp/s15/probe/$1/seed$s/model.pyt --clips data/test_clips --out /tmp/s15/probe_eval/$1/seed$s
  done
done
