"""Issue 32, item 3 ("the model's width"): does a wider demo model learn the band above 4 kHz within the warm start?
Runs ../2026-12-07-lr-schedule-probe/probe.py's warm start (same steps, batches, clips and scoring; seed 0) with the
demo preset's channel count set to WIDTH (8 in the pipeline: 8 channels at 44.1 and 22.05 kHz, 16 at 5.5 kHz, ... 128
at the latent's 345 Hz; strides, latent, DC path and latent bound unchanged), keeps the generator every EVERY steps with its
training seconds (for the equal-time comparison) and scores every kept generator on the validation clips, plus the mid's
level error per octave band above 1 kHz (where the gap to mono lives).
usage (from the repository root): python width.py OUT.json WIDTH STEPS EVERY [KEY=VALUE ...]"""
import sys
from pathlib import Path
import torch
from ear_vae.diagnosis import CURVE_METRICS, _model_process, learning_curve, train_keeping, validation_clips
from ear_vae.io import write_json
from ear_vae.model import PRESETS, _with_channels
from ear_vae.params import apply_overrides, load_params
from ear_vae.trainer import Trainer, training_batches

METRICS = (*CURVE_METRICS, "dbtp_distance")
OCTAVES = [(1000, 2000), (2000, 4000), (4000, 8000), (8000, 16000)]

def mid_band_error_db(process, clips) -> dict:
    """Per octave band above 1 kHz: the output mid's energy over the reference mid's, in dB, pooled over the clips (0: the level is right).
    A second way to what `ear_vae.diagnosis.band_report` measures (README); kept only to reproduce this probe's JSONs."""
    out_e, ref_e = torch.zeros(len(OCTAVES)), torch.zeros(len(OCTAVES))
    for clip in clips.values():
        y = process(clip)
        for k, (x, e) in enumerate(((y, out_e), (clip, ref_e))):
            spec = torch.stft(x.float().mean(0), 4096, 1024, window=torch.hann_window(4096), return_complex=True).abs().pow(2).sum(-1)
            f = torch.fft.rfftfreq(4096, 1 / 44100)
            for b, (lo, hi) in enumerate(OCTAVES): e[b] += spec[(f >= lo) & (f < hi)].sum()
    return {f"{lo // 1000}-{hi // 1000} kHz": round(float(10 * torch.log10(o / r)), 2) for (lo, hi), o, r in zip(OCTAVES, out_e, ref_e)}

if __name__ == "__main__":
    out, width, steps, every, overrides = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
    PRESETS["demo"] = _with_channels(PRESETS["demo"], width)
    params = apply_overrides(load_params("params.yaml"), [f"train.warmstart_steps={steps + 1}", f"train.steps={steps + 2}", "train.device=cpu", *overrides])
    trainer = Trainer(params, None)
    n_params = sum(p.numel() for p in trainer.generator.parameters())
    kept = train_keeping(trainer, training_batches(params, "data/prepared"), steps, every)
    clips = validation_clips()
    processes = {f"step {s}": _model_process(m) for s, (_, m) in kept.items()}
    scores = learning_curve(processes, clips, metrics=METRICS).round(4).to_dict("index")
    bands = {s: mid_band_error_db(processes[f"step {s}"], clips) for s in kept}
    write_json(out, {"width": width, "parameters": n_params, "overrides": overrides, "clips": len(clips),
                     "mono_downmix": scores["control:mono_downmix"], "random_phase": scores["control:random_phase"],
                     "curve": [{"step": s, "train_seconds": t, **scores[f"step {s}"], "mid_level_error_db": bands[s]} for s, (t, _) in kept.items()]}, indent=1)
    print(out.read_text())
