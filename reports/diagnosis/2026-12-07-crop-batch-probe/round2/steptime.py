"""What a warm-start step costs at three crop x batch shapes of the same samples a step (16384 x 4, 8192 x 8, 4096 x 16), each
with the crops read from the prepared files (the default) and from memory (train.preload): seconds fetching the batch and seconds
in the training step, per step. The shapes run interleaved, STEPS steps each per round, so the machine's drift hits all alike;
the first round (warm-up) is left out of the means.
Its interleaved timing loop is a second way to `ear_vae.bench._interleaved` / `median_seconds` (which time one call, a
median over repeats, two functions at a time); kept only to reproduce round2/steptime.json (means per round, fetch and
step apart). A rerun should time the shapes with `ear_vae.bench`'s helpers.
usage (from the repository root): python reports/diagnosis/2026-12-07-crop-batch-probe/round2/steptime.py OUT.json STEPS ROUNDS"""
import json, sys, time
import torch
from ear_vae.io import write_json
from ear_vae.params import apply_overrides, load_params
from ear_vae.trainer import Trainer, training_batches
SHAPES = [(16384, 4), (8192, 8), (4096, 16)]
out, steps, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.manual_seed(0)
setups = {}
for seg, batch in SHAPES:
    for preload in (False, True):
        p = apply_overrides(load_params("params.yaml"), ["train.device=cpu", f"train.segment_samples={seg}", f"train.batch_size={batch}",
                                                       f"train.preload={str(preload).lower()}", "train.warmstart_steps=100000", "train.steps=100001"])
        setups[(seg, batch, preload)] = (Trainer(p, None), training_batches(p, "data/prepared"))
results = {k: {"fetch_s": [], "step_s": []} for k in setups}
for r in range(rounds):   # interleaved, so the machine's drift hits every shape alike
    for key, (trainer, batches) in setups.items():
        fetch = step = 0.0
        for i in range(steps):
            t0 = time.perf_counter(); x = batches.batch(r * steps + i); t1 = time.perf_counter()
            trainer.training_step(x); t2 = time.perf_counter()
            fetch += t1 - t0; step += t2 - t1
        results[key]["fetch_s"].append(fetch / steps); results[key]["step_s"].append(step / steps)
        print(key, round(fetch / steps, 4), round(step / steps, 4), flush=True)
summary = [{"segment_samples": s, "batch_size": b, "preload": pl, "fetch_s_per_step": round(sum(v["fetch_s"][1:]) / (rounds - 1), 4),
            "train_s_per_step": round(sum(v["step_s"][1:]) / (rounds - 1), 4)} for (s, b, pl), v in results.items()]
write_json(out, {"steps_per_round": steps, "rounds": rounds, "first_round_dropped": True, "shapes": summary}, indent=1)
print(json.dumps(summary, indent=1))
