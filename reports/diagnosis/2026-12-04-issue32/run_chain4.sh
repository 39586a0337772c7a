#!/bin/bash
cd /tmp/diag
while kill -0 $(cat /tmp/diag/chain3.pid) 2>/dev/null; do sleep 10; done
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
PY=/work/main/.venv/bin/python
date -u
$PY golden_check.py > golden_check.log 2>&1
$PY sie_bands.py mono ws800/checkpoint.pt /tmp/diag/probes/base.pt /tmp/diag/probes/side2.pt /tmp/diag/probes/dcdata.pt > sie_bands.log 2>&1; date -u
echo CHAIN4 DONE
