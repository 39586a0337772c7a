#!/bin/bash
cd /tmp/diag
while kill -0 $(cat /tmp/diag/chain5.pid) 2>/dev/null; do sleep 10; done
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
PY=/work/main/.venv/bin/python
date -u
$PY hybrid_eval.py ws800/checkpoint.pt hybrid_ws800.json > hybrid_ws800.log 2>&1; date -u
echo CHAIN6 DONE
