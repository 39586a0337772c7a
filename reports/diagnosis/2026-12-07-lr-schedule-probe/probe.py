"""Issue 32, item 3, the one candidate not probed before: the learning-rate schedule of the shared warm start.
Trains the pipeline's warm start (waveform L1 + log-mel, no adversary, the pipeline's batches) from scratch for STEPS steps
with params.yaml's values and the given overrides, and scores it every EVERY steps on the validation clips of
../2026-12-05-longer-warmstart/longer.py (10 s at 1/4, 1/2 and 3/4 of each validation recording; the test clips are not
touched), beside the committed warm start (models/warmstart/checkpoint.pt, 2000 steps of the constant schedule) scored
in the same process, and the mono downmix.
usage (from the repository root): python probe.py OUT.json STEPS EVERY [KEY=VALUE ...]   (params overrides, e.g. train.gen_lr=2e-3 or seed=1)"""
import json, sys, time
from pathlib import Path
import numpy as np, soundfile as sf, torch
from ear_vae.checkpoints import load_model
from ear_vae.data import read_manifest
from ear_vae.evaluation import mono_downmix_control
from ear_vae.io import write_json
from ear_vae.metrics import evaluate_pair
from ear_vae.params import apply_overrides, load_params
from ear_vae.trainer import Trainer, inverse_lr, training_batches

METRICS = ("mel_distance", "stft_distance", "icpc", "ccpc", "si_sdr", "dbtp_distance", "stereo_image_error")

def validation_clips(seconds: float = 10.0) -> list:
    "The validation recordings' 10-s clips at 1/4, 1/2 and 3/4 of their length (longer.py's clips, in its order)."
    n, out = int(seconds * 44100), []
    for row in sorted(read_manifest("data/prepared", "valid"), key=lambda r: r["path"]):
        frames = sf.info(row["path"]).frames
        starts = [int(at * frames) - n // 2 for at in (0.25, 0.5, 0.75)]
        out += [torch.from_numpy(sf.read(row["path"], start=s, frames=n, dtype="float32", always_2d=True)[0].T.copy())
                for s in starts if 0 <= s and s + n <= frames]
    return out

def mean_scores(process, clips) -> dict:
    rows = [evaluate_pair(process(x), x) for x in clips]
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in METRICS}

def reconstruct_with(model):
    model.eval()
    def process(x):
        with torch.no_grad(): return model.reconstruct(x)
    return process

if __name__ == "__main__":
    out, steps, every, overrides = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    params = apply_overrides(load_params("params.yaml"), [f"train.warmstart_steps={steps + 1}", f"train.steps={steps + 2}", "train.device=cpu", *overrides])
    t = params.train
    clips = validation_clips()
    result = {"overrides": overrides, "clips": len(clips), "lr_factor_at": {s: round(inverse_lr(s, t.lr_warmup, t.lr_inv_gamma, t.lr_power), 4) for s in (0, 200, 1000, steps)},
              "mono_downmix": mean_scores(mono_downmix_control, clips),
              "committed_warmstart": mean_scores(reconstruct_with(load_model("models/warmstart/checkpoint.pt")), clips), "curve": []}
    print(json.dumps({k: result[k] for k in ("overrides", "lr_factor_at", "mono_downmix", "committed_warmstart")}), flush=True)
    trainer, batches, t0 = Trainer(params, None), training_batches(params, "data/prepared"), time.time()
    while trainer.step < steps:
        for _ in range(min(every, steps - trainer.step)): trainer.training_step(batches.batch(trainer.step))
        seconds = round(time.time() - t0, 1)
        result["curve"].append({"step": trainer.step, "train_seconds": seconds, **mean_scores(reconstruct_with(trainer.inference_model), clips)})
        trainer.inference_model.train()
        print(json.dumps(result["curve"][-1]), flush=True)
        t0 += time.time() - t0 - seconds   # the clock counts training only
        write_json(out, result, indent=1)
