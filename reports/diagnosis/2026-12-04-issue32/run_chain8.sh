#!/bin/bash
cd /tmp/diag
while kill -0 $(cat /tmp/diag/chain7.pid) 2>/dev/null; do sleep 10; done
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
PY=/work/main/.venv/bin/python
date -u
$PY valid_eval.py ws800/checkpoint.pt valid_ws800_dcfree_encoder.json --dcfree encoder > valid_ws800_dcfree_encoder.log 2>&1
$PY valid_eval.py /tmp/diag/probes/dcdata.pt valid_dcdata_dcfree_encoder.json --dcfree encoder > valid_dcdata_dcfree_encoder.log 2>&1
$PY valid_eval.py /tmp/diag/probes/dcdata.pt valid_dcdata.json > valid_dcdata.log 2>&1; date -u
echo CHAIN8 DONE
