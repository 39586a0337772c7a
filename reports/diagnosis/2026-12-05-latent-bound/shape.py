"""The latent bound's shape and margin, applied to the trained models of the 2026-12-05 rerun (trained with the range, bounded only outside training)."""
import torch, numpy as np, glob, soundfile as sf, sys, math
from ear_vae.checkpoints import load_model
from ear_vae.thd import sine_sweep, blow_ups, reconstruction_process, system_thd
from ear_vae.metrics import evaluate_pair, stereo_image_error
torch.set_num_threads(1)
def tanh_bound(r, k):
    def f(mean):
        c = ((r.low + r.high) / 2)[:, None]; rad = (k * (r.high - r.low) / 2)[:, None]
        return c + rad * torch.tanh((mean - c) / rad)
    return f
def knee_bound(r, k):   # the identity inside the seen range [low, high]; beyond it a tanh knee towards c +- k * half-range
    def f(mean):
        c = ((r.low + r.high) / 2)[:, None]; a = ((r.high - r.low) / 2)[:, None]; room = (k - 1) * a
        d = mean - c; excess = (d.abs() - a).clamp_min(0)
        return torch.where(d.abs() <= a, mean, c + d.sign() * (a + room * torch.tanh(excess / room)))
    return f
clips = [torch.from_numpy(sf.read(f, dtype="float32", always_2d=True)[0].T.copy()) for f in sorted(glob.glob("/tmp/s3/valid/*.wav"))]
for ck in sys.argv[1:]:
    m = load_model(ck, "cpu"); r = m.latent_range
    for name, fn in [("tanh1.5", tanh_bound(r, 1.5)), ("tanh2", tanh_bound(r, 2.0)), ("tanh3", tanh_bound(r, 3.0)),
                     ("knee1.5", knee_bound(r, 1.5)), ("knee2", knee_bound(r, 2.0)), ("none", lambda x: x)]:
        r.bound = fn
        proc = reconstruction_process(m, "cpu")
        thd = system_thd(proc, frequencies=(997.0,))
        sw = sine_sweep(proc); b = blow_ups(sw)
        rows = []
        for ref in clips:
            est = proc(ref)[:, :ref.shape[-1]]; q = evaluate_pair(est, ref); q["stereo"] = stereo_image_error(est, ref); rows.append(q)
        mean = {k: np.mean([float(q[k]) for q in rows]) for k in ("mel_distance", "si_sdr", "stereo")}
        print(ck.split("models/")[1].rsplit("/", 1)[0], name, "THD997 -20/-6: %.1f/%.1f" % tuple(thd.thd_n_db), "maxpeak %+.1f" % sw.peak_dbfs.max(),
              "blowups", len(b), " ".join(f"{k}={v:.3f}" for k, v in mean.items()), flush=True)
