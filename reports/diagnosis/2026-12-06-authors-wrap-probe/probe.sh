set -e
cd /work/main
for v in full phase; do for s in 0 1 2; do
  OMP_NUM_THREADS=2 .venv/bin/python /tmp/s14/patched/run.py train --params params.yaml --recipe $v --seed $s --data data/prepared --warmstart models/warmstart/checkpoint.pt --out /tmp/s14/probe/$v/seed$s --log-dir /tmp/s14/probe/$v/seed$s/logs
  OMP_NUM_THREADS=2 .venv/bin/python /tmp/s14/patched/run.py evaluate-model --params params.yaml --checkpoint /tmp/s14/probe/$v/seed$s/model.pyt --clips data/test_clips --out /tmp/s14/probe_eval/$v/seed$s
done; done
echo PROBE_DONE
