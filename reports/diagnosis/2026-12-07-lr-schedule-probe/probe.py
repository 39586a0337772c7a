"""Issue 32, item 3: the learning-rate schedule of the shared warm start (and, with seed=1, the warm start's seed spread).
Trains the pipeline's warm start (waveform L1 + log-mel, no adversary, the pipeline's batches) from scratch for STEPS steps
with params.yaml's values and the given overrides, keeps the generator every EVERY steps, and at the end scores every
kept generator on `ear_vae.diagnosis.validation_clips` (10 s at 1/4, 1/2 and 3/4 of each validation recording: the clips
of ../2026-12-05-longer-warmstart/longer.py; the test clips are not touched) beside the committed warm start (models/warmstart/checkpoint.pt,
2000 steps of the constant schedule) and both controls, with `ear_vae.diagnosis.learning_curve` (plus the true peak).
usage (from the repository root): python probe.py OUT.json STEPS EVERY [KEY=VALUE ...]   (params overrides, e.g. train.gen_lr=2e-3 or seed=1)"""
import sys
from pathlib import Path
from ear_vae.checkpoints import load_model
from ear_vae.diagnosis import CURVE_METRICS, _model_process, learning_curve, train_keeping, validation_clips
from ear_vae.io import write_json
from ear_vae.params import apply_overrides, load_params
from ear_vae.trainer import Trainer, inverse_lr, training_batches

METRICS = (*CURVE_METRICS, "dbtp_distance")

if __name__ == "__main__":
    out, steps, every, overrides = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    params = apply_overrides(load_params("params.yaml"), [f"train.warmstart_steps={steps + 1}", f"train.steps={steps + 2}", "train.device=cpu", *overrides])
    t = params.train
    kept = train_keeping(Trainer(params, None), training_batches(params, "data/prepared"), steps, every)
    committed = Path("models/warmstart/checkpoint.pt")   # absent in a clone before `make repro` or `make pull`: its row is left out
    stages = {**({"committed_warmstart": _model_process(load_model(committed).eval())} if committed.is_file() else {}),
              **{f"step {step}": _model_process(model) for step, (_, model) in kept.items()}}
    clips = validation_clips()
    scores = learning_curve(stages, clips, metrics=METRICS).round(4).to_dict("index")
    write_json(out, {"overrides": overrides, "clips": len(clips),
                     "lr_factor_at": {s: round(inverse_lr(s, t.lr_warmup, t.lr_inv_gamma, t.lr_power), 4) for s in (0, 200, 1000, steps)},
                     "mono_downmix": scores["control:mono_downmix"], "random_phase": scores["control:random_phase"],
                     "committed_warmstart": scores.get("committed_warmstart"),
                     "curve": [{"step": step, "train_seconds": s, **scores[f"step {step}"]} for step, (s, _) in kept.items()]}, indent=1)
    print(out.read_text())
