"""What a longer warm start buys against the mono downmix: the pipeline's warm start (models/warmstart/checkpoint.pt, 2000
steps) continued with the same loss, params and batch stream, scored on validation clips only (never the test clips) beside
the mono downmix of the same clips, every EVERY steps.
SAO_WEIGHT > 0 adds SAO's reconstruction loss (A-weighted multi-resolution STFT on sum, difference, L and R: the trainer's
`sao_loss` yardstick) at that weight to the warm start's waveform L1 and log-mel.
usage: python longer.py OUT.json EXTRA_STEPS [EVERY [SAO_WEIGHT]]      (from the repository root, after `make repro` or `make pull`)
OUT.json is rewritten after every block (atomically) and the trainer's state is kept beside it as OUT.pt (git-ignored): run the
same command again and it goes on from the last block instead of starting afresh."""
import json, sys, time
from pathlib import Path
import numpy as np, torch
from ear_vae.checkpoints import load_checkpoint
from ear_vae.diagnosis import validation_clips
from ear_vae.evaluation import mono_downmix_control
from ear_vae.metrics import evaluate_pair
from ear_vae.params import apply_overrides, load_params
from ear_vae.trainer import Trainer, training_batches

out, extra = Path(sys.argv[1]), int(sys.argv[2]); every = int(sys.argv[3]) if len(sys.argv) > 3 else 500
sao_weight = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
KEYS = ("mel_distance", "stft_distance", "icpc", "ccpc", "si_sdr", "dbtp_distance", "stereo_image_error")
state = load_checkpoint("models/warmstart/checkpoint.pt")
start = state["step"]
# the same training math, the warm start merely longer (the lr is near constant here: inverse decay with inv_gamma 2e5)
# SAO_WEIGHT is loss.warmstart_stft_weight (added to the package after these runs, with the same math as this script's own term then)
params = apply_overrides(load_params("params.yaml"), [f"train.warmstart_steps={start + extra + 1}", f"train.steps={start + extra + 2}", "train.device=cpu",
                                                      f"loss.warmstart_stft_weight={sao_weight}"])
trainer = Trainer(params, None)
resume = out.with_suffix(".pt")
trainer._load_state(load_checkpoint(resume) if resume.exists() else state)

clips = list(validation_clips().values())   # 10 s at 1/4, 1/2 and 3/4 of every validation recording: 15 clips
def score(process):
    rows = [evaluate_pair(process(x), x) for x in clips]
    return {k: float(np.mean([r[k] for r in rows])) for k in KEYS}

def model_scores():
    model = trainer.inference_model.eval()
    with torch.no_grad(): s = score(lambda x: model.reconstruct(x))
    model.train(); return s

def write_result():
    tmp = out.with_suffix(".tmp"); tmp.write_text(json.dumps(result, indent=1)); tmp.rename(out)

def save():
    "The trainer's state to resume from, then the curve so far (atomically; a kill between the two leaves the JSON behind, never ahead)."
    trainer.save_checkpoint(resume)
    result["elapsed"] = round(time.time() - t0, 1); write_result()

if resume.exists():
    result = json.loads(out.read_text())
    last = result["curve"][-1]
    result.setdefault("elapsed", last["seconds"] + last.get("next_block_seconds", 0.0))   # files written before "elapsed" was kept
    if last["step"] == trainer.step: result["curve"].pop()   # a finished run's last point: scored again
    elif last["step"] + every != trainer.step: raise SystemExit(f"{resume}: at step {trainer.step}, but {out} ends with the block from step {last['step']} (EVERY {every})")
    if (result["clips"], result.get("sao_weight", 0.0)) != (len(clips), sao_weight): raise SystemExit(f"{out}: other clips or SAO_WEIGHT than this run's")
else: result = {"clips": len(clips), "start_step": start, "sao_weight": sao_weight, "mono_downmix": score(mono_downmix_control), "curve": []}
batches = training_batches(params, "data/prepared")
t0 = time.time() - result.get("elapsed", 0.0)   # "seconds" counts the time since the first start, scoring included
while True:
    result["curve"].append({"step": trainer.step, "seconds": round(time.time() - t0, 1), **model_scores()})   # since the start, scoring included
    print(json.dumps(result["curve"][-1]), flush=True)
    if trainer.step >= start + extra: break
    tt = time.time()
    for _ in range(every): trainer.training_step(batches.batch(trainer.step))
    result["curve"][-1]["next_block_seconds"] = round(time.time() - tt, 1)
    save()
print("mono", json.dumps(result["mono_downmix"]))
result["elapsed"] = round(time.time() - t0, 1); write_result()
