"""The trained generator of a run with an EMA (checkpoint.pt's "generator", not its EMA), written as the trainer exports a
run without one. python export_live.py CHECKPOINT OUT_MODEL"""
import sys
from ear_vae.checkpoints import load_checkpoint, save_state_dict
state = load_checkpoint(sys.argv[1])
save_state_dict(sys.argv[2], state["generator"], state["model_config"])
print(f"wrote {sys.argv[2]}: the trained generator of {sys.argv[1]} at step {state['step']}")
