#!/bin/bash
cd /tmp/diag
while kill -0 $(cat /tmp/diag/chain.pid) 2>/dev/null; do sleep 10; done
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
PY=/work/main/.venv/bin/python
S=${PROBE_SECONDS:-300}
date -u
$PY latent_stats.py ws800/checkpoint.pt latent_ws800.json > latent_ws800.log 2>&1
$PY valid_eval.py ws0/checkpoint.pt valid_ws0.json > valid_ws0.log 2>&1
$PY valid_eval.py ws800/checkpoint.pt valid_ws800_dcblock10.json --dcblock 10 > valid_ws800_dcblock10.log 2>&1
$PY valid_eval.py identity valid_identity.json --quick > valid_identity.log 2>&1; date -u
$PY probe_train.py base_seed1 $S --set seed=1 > probes_base_seed1.log 2>&1; date -u
$PY probe_train.py side1 $S --side 1 > probes_side1.log 2>&1; date -u
$PY probe_train.py side4 $S --side 4 > probes_side4.log 2>&1; date -u
$PY probe_train.py dcdata_side2 $S --side 2 --data-dc mean > probes_dcdata_side2.log 2>&1; date -u
echo CHAIN2 DONE
