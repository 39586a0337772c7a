#!/bin/bash
cd /tmp/diag
while kill -0 $(cat /tmp/diag/chain2.pid) 2>/dev/null; do sleep 10; done
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
PY=/work/main/.venv/bin/python
date -u
$PY grad_share.py ws800/checkpoint.pt 800 grad_share_ws800_adam.json --recipes sao full --batches 6 > grad_share_ws800_adam.log 2>&1; date -u
$PY phase_chance.py ws800/checkpoint.pt phase_chance.json > phase_chance.log 2>&1; date -u
$PY golden_check.py > golden_check.log 2>&1
echo CHAIN3 DONE
