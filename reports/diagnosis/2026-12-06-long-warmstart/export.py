"""The generator of a `longer.py` state (OUT.pt) as a model file for `bands.py` (the same params as `longer.py` with SAO_WEIGHT 1).
usage: python export.py long.pt MODEL_DIR/model.pyt        (from the repository root)"""
import sys
from ear_vae.checkpoints import load_checkpoint
from ear_vae.params import apply_overrides, load_params
from ear_vae.trainer import Trainer
state = load_checkpoint(sys.argv[1])
p = apply_overrides(load_params("params.yaml"), [f"train.warmstart_steps={state['step'] + 10}", f"train.steps={state['step'] + 11}", "train.device=cpu", "loss.warmstart_stft_weight=1.0"])
t = Trainer(p, None); t._load_state(state); print("step", t.step); t.export(sys.argv[2])
