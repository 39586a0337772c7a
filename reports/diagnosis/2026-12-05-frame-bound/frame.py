"""Per-frame, direction-keeping latent bounds against the per-channel tanh, on the trained models (bounded only outside training)."""
import torch, numpy as np, glob, soundfile as sf, sys, time
from ear_vae.checkpoints import load_model
from ear_vae.thd import sine_sweep, blow_ups, reconstruction_process, system_thd
from ear_vae.metrics import evaluate_pair, stereo_image_error
torch.set_num_threads(1)
def tanh_bound(r, k):
    def f(mean):
        c = ((r.low + r.high) / 2)[:, None]; rad = (k * (r.high - r.low) / 2)[:, None]
        return c + rad * torch.tanh((mean - c) / rad)
    return f
def frame_bound(r, k, norm="max"):
    """Each frame's deviation (mean - c) / a, a the half-range, measured by its largest channel (max) or its RMS over
    channels (rms); frames beyond 1 are scaled as a whole, direction kept, by a tanh knee towards k."""
    def f(mean):
        c = ((r.low + r.high) / 2)[:, None]; a = ((r.high - r.low) / 2)[:, None]
        u = (mean - c) / a
        d = u.abs().amax(dim=1, keepdim=True) if norm == "max" else u.pow(2).mean(dim=1, keepdim=True).sqrt()
        d1 = d if norm == "max" else d / REF   # rms: not used in the logs
        g = torch.where(d1 <= 1, d1, 1 + (k - 1) * torch.tanh((d1 - 1) / (k - 1)))
        return c + a * u * (g / d1.clamp_min(1e-9))
    return f
REF = 1.0
clips = [torch.from_numpy(sf.read(f, dtype="float32", always_2d=True)[0].T.copy()) for f in sorted(glob.glob("/tmp/s3/valid/*.wav"))]
shapes = sys.argv[1].split(",")
music = "--music" in sys.argv
for ck in [a for a in sys.argv[2:] if not a.startswith("--")]:
    m = load_model(ck, "cpu"); r = m.latent_range
    for name in shapes:
        kind = name.rstrip("0123456789."); k = float(name[len(kind):] or 0)
        r.bound = {"tanh": lambda: tanh_bound(r, k), "fmax": lambda: frame_bound(r, k, "max"), "none": lambda: (lambda x: x)}[kind]()
        t = time.time(); proc = reconstruction_process(m, "cpu")
        thd = system_thd(proc, frequencies=(997.0,))
        sw = sine_sweep(proc); b = blow_ups(sw)
        out = ""
        if music:
            rows = []
            for ref in clips:
                est = proc(ref)[:, :ref.shape[-1]]; q = evaluate_pair(est, ref); q["stereo"] = stereo_image_error(est, ref); rows.append(q)
            out = " ".join(f"{kk}={np.mean([float(q[kk]) for q in rows]):.3f}" for kk in ("mel_distance", "si_sdr", "stereo"))
        worst = sw.loc[sw.peak_dbfs.idxmax()]
        print(ck.split("models/")[1].rsplit("/", 1)[0], name, "THD997 -20/-6: %.1f/%.1f" % tuple(thd.thd_n_db), "maxpeak %+.1f @%g/%g" % (worst.peak_dbfs, worst.frequency_hz, worst.level_dbfs),
              "blowups", len(b), out, f"{time.time()-t:.0f}s", flush=True)
