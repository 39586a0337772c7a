import torch, numpy as np, glob, soundfile as sf, sys
from ear_vae.checkpoints import load_model
from ear_vae.thd import sine_stimulus, sine_sweep, blow_ups, reconstruction_process
from ear_vae.metrics import evaluate_pair, stereo_image_error
torch.set_num_threads(2)
m = load_model(sys.argv[1], "cpu")
clips = [torch.from_numpy(sf.read(f, dtype="float32", always_2d=True)[0].T.copy()) for f in sorted(glob.glob("/tmp/s3/valid/*.wav"))]
with torch.no_grad():
    mus = torch.cat([m.encode_distribution(c[None, :, :c.shape[-1] // 128 * 128])[0][0] for c in clips], -1)  # [64, N]
print("music latent mean: sd %.3f, |max| %.2f, per-channel sd range %.3f-%.3f" % (mus.std(), mus.abs().max(), mus.std(-1).min(), mus.std(-1).max()))
lo, hi = mus.quantile(0.001, dim=-1), mus.quantile(0.999, dim=-1)
for f in (1000., 2000., 8000., 12000.):
    x = sine_stimulus(f, -6.0, 1.0)[None, :, :44032]
    with torch.no_grad(): z = m.encode_distribution(x)[0][0]
    out = ((z < lo[:, None]) | (z > hi[:, None])).float().mean()
    print(f"{f:.0f} Hz -6 dBFS: latent sd {z.std():.3f}, |max| {z.abs().max():.2f}, outside music's 0.1-99.9% range: {out:.2f}")
def score(tag):
    proc = reconstruction_process(m, "cpu")
    rows = []
    for ref in clips:
        est = proc(ref)[:, :ref.shape[-1]]; r = evaluate_pair(est, ref); r["stereo"] = stereo_image_error(est, ref); rows.append(r)
    mean = {k: np.mean([float(r[k]) for r in rows]) for k in ("mel_distance","stft_distance","icpc","ccpc","si_sdr","stereo")}
    sw = sine_sweep(proc); b = blow_ups(sw)
    print(tag, "maxpeak %.1f" % sw.peak_dbfs.max(), " ".join(f"{k}={v:.3f}" for k, v in mean.items()), "| blowups", [(r.frequency_hz, r.level_dbfs, round(r.peak_dbfs, 1), round(r.dc, 3)) for r in b.itertuples()])
score("plain  ")
orig = m.encode_distribution
for k in (1.5,):
    c, h = (hi + lo)[None, :, None] / 2, k * (hi - lo)[None, :, None] / 2
    m.encode_distribution = lambda x, c=c, h=h: (lambda mu, s: (c + h * torch.tanh((mu - c) / h), s))(*orig(x))
    score(f"tanh{k}")
