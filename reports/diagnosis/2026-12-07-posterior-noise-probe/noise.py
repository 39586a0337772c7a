"""Issue 32, item 3: the posterior's noise in the shared warm start, and the latent's signal-to-noise ratio in training.
The decoder is trained on posterior samples z = mean + std * noise and scored on the mean; where std is not small
against the spread of the mean, the noise hides detail from the decoder in training. This script runs
../2026-12-07-lr-schedule-probe/probe.py's warm start (same steps, batches, clips and scoring) with the given overrides
and adds, for the last generator, the posterior's statistics on the validation clips, per latent channel: the s.d. of
the mean over frames, the RMS of std, and their ratio in dB (the latent's SNR in training).
An argument posterior_scale_bias=B (not a params key) sets the bias of the encoder's scale outputs at
initialisation (`ear_vae.model.signal_preserving_init`, default -4: std = softplus(-4) = 0.018).
usage (from the repository root): python noise.py OUT.json STEPS EVERY [KEY=VALUE ...] [posterior_scale_bias=B]"""
import functools, inspect, sys
from pathlib import Path
import torch, torch.nn.functional as F
from ear_vae.diagnosis import CURVE_METRICS, _model_process, learning_curve, train_keeping, validation_clips
from ear_vae.io import write_json
from ear_vae.params import apply_overrides, load_params
import ear_vae.trainer
from ear_vae.model import signal_preserving_init
from ear_vae.trainer import Trainer, training_batches

METRICS = (*CURVE_METRICS, "dbtp_distance")

def latent_snr(model, clips) -> dict:
    "Per latent channel over the clips' frames: s.d. of the posterior mean, RMS posterior std, their ratio in dB (median, 10 % and 90 % over channels)."
    with torch.no_grad():
        r = model.downsampling_ratio   # whole latent frames: each clip's tail beyond the last one is left out
        stats = [model.encode_distribution(c[None, :, :c.shape[-1] // r * r].float()) for c in clips.values()]
    mean = torch.cat([m[0] for m, _ in stats], dim=-1)                   # [C, frames]
    std = torch.cat([F.softplus(s[0]) for _, s in stats], dim=-1)
    spread, noise = mean.std(dim=-1), std.pow(2).mean(dim=-1).sqrt()
    snr = 20 * torch.log10(spread / noise)
    q = lambda t: [round(float(v), 4) for v in torch.quantile(t, torch.tensor([0.1, 0.5, 0.9]))]
    return {"mean_sd_q10_50_90": q(spread), "std_rms_q10_50_90": q(noise), "snr_db_q10_50_90": q(snr)}

if __name__ == "__main__":
    out, steps, every, overrides = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    bias = [float(a.split("=")[1]) for a in overrides if a.startswith("posterior_scale_bias=")]
    overrides = [a for a in overrides if not a.startswith("posterior_scale_bias=")]
    if bias: ear_vae.trainer.signal_preserving_init = functools.partial(signal_preserving_init, posterior_scale_bias=bias[0])
    params = apply_overrides(load_params("params.yaml"), [f"train.warmstart_steps={steps + 1}", f"train.steps={steps + 2}", "train.device=cpu", *overrides])
    kept = train_keeping(Trainer(params, None), training_batches(params, "data/prepared"), steps, every)
    clips = validation_clips()
    last = kept[steps][1]
    snr = latent_snr(last, clips)
    print(snr, flush=True)
    torch.save(last.state_dict(), out.with_suffix(".pt"))   # for a second look; not committed (.gitignore: *.pt)
    scores = learning_curve({f"step {s}": _model_process(m) for s, (_, m) in kept.items()}, clips, metrics=METRICS).round(4).to_dict("index")
    write_json(out, {"overrides": overrides, "posterior_scale_bias": bias[0] if bias else inspect.signature(signal_preserving_init).parameters["posterior_scale_bias"].default, "clips": len(clips), "latent_at_last_step": snr,
                     "mono_downmix": scores["control:mono_downmix"], "random_phase": scores["control:random_phase"],
                     "curve": [{"step": s, "train_seconds": t, **scores[f"step {s}"]} for s, (t, _) in kept.items()]}, indent=1)
    print(out.read_text())
