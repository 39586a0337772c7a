#!/bin/bash
cd /tmp/diag
while kill -0 $(cat /tmp/diag/chain4.pid) 2>/dev/null; do sleep 10; done
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
PY=/work/main/.venv/bin/python
S=${PROBE_SECONDS:-300}
date -u
for m in decoder encoder; do $PY sine_response.py /tmp/diag/probes/dcdata.pt sine_dcdata_dcfree_$m.json --dcfree $m > /dev/null 2>&1; done
$PY sine_response.py /tmp/diag/probes/dcdata.pt sine_dcdata.json > /dev/null 2>&1
$PY sine_response.py /tmp/diag/probes/base.pt sine_base.json > /dev/null 2>&1; date -u
$PY probe_train.py dcdata_seed1 $S --data-dc mean --set seed=1 > probes_dcdata_seed1.log 2>&1; date -u
$PY probe_train.py dcfree_dec $S --dcfree-dec > probes_dcfree_dec.log 2>&1; date -u
$PY probe_train.py hfaug3 $S --hf-aug 3 > probes_hfaug3.log 2>&1; date -u
$PY probe_train.py biases $S --set model.train_biases=true > probes_biases.log 2>&1; date -u
echo CHAIN5 DONE
