"""The warm start without its EMA: the same training state (the EMA changes nothing that trains), its params' train.ema_decay 0
and no EMA state, so that a run with train.ema_decay 0 continues it. python plain_warmstart.py EMA_CHECKPOINT OUT_CHECKPOINT"""
import sys
from pathlib import Path
from ear_vae.checkpoints import load_checkpoint, write_torch
state = load_checkpoint(sys.argv[1])
assert state["params"]["train"]["ema_decay"] > 0 and state["ema"] is not None, f"{sys.argv[1]}: no EMA in this warm start"
state["params"]["train"]["ema_decay"], state["ema"] = 0.0, None
Path(sys.argv[2]).parent.mkdir(parents=True, exist_ok=True)
write_torch(Path(sys.argv[2]), state)
print(f"wrote {sys.argv[2]}: the warm start of {sys.argv[1]} at step {state['step']} without its EMA")
