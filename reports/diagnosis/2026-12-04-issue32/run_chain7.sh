#!/bin/bash
cd /tmp/diag
while kill -0 $(cat /tmp/diag/chain6.pid) 2>/dev/null; do sleep 10; done
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
/work/main/.venv/bin/python golden_check.py > golden_check.log 2>&1
echo CHAIN7 DONE
