#!/bin/bash
cd /tmp/diag
while kill -0 $(cat /tmp/diag/chain8.pid) 2>/dev/null; do sleep 10; done
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
PY=/work/main/.venv/bin/python
date -u
$PY probe_train.py dcfree_enc 300 --dcfree-enc > probes_dcfree_enc.log 2>&1; date -u
$PY probe_train.py dcfree_enc_seed1 300 --dcfree-enc --set seed=1 > probes_dcfree_enc_seed1.log 2>&1; date -u
echo CHAIN9 DONE
