#!/bin/bash
# The measurement chain, one process at a time on one core.
cd /tmp/diag
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=/tmp/wt32
PY=/work/main/.venv/bin/python
S=${PROBE_SECONDS:-300}
date -u
$PY grad_share.py ws800/checkpoint.pt 800 grad_share_ws800.json --recipes sao kw phase full full_phase_mslr --batches 6 > grad_share_ws800.log 2>&1; date -u
$PY probe_train.py base $S > probes_base.log 2>&1; date -u
$PY probe_train.py dcdata $S --data-dc mean > probes_dcdata.log 2>&1; date -u
$PY probe_train.py side2 $S --side 2 > probes_side2.log 2>&1; date -u
$PY probe_train.py lr5e-4 $S --set train.gen_lr=5e-4 > probes_lr5e-4.log 2>&1; date -u
$PY probe_train.py lr2e-3 $S --set train.gen_lr=2e-3 > probes_lr2e-3.log 2>&1; date -u
$PY probe_train.py crop32k_b2 $S --set train.segment_samples=32768 train.batch_size=2 > probes_crop32k_b2.log 2>&1; date -u
$PY probe_train.py crop8k_b8 $S --set train.segment_samples=8192 train.batch_size=8 > probes_crop8k_b8.log 2>&1; date -u
echo CHAIN DONE
