import torch, numpy as np, glob, soundfile as sf, sys
from ear_vae.checkpoints import load_model
from ear_vae.thd import sine_sweep, blow_ups, reconstruction_process
from ear_vae.metrics import evaluate_pair, stereo_image_error
torch.set_num_threads(2)
m = load_model(sys.argv[1], "cpu"); e = torch.load(sys.argv[2]); k = float(sys.argv[3])
lo, hi = e["lo"][0].clone(), e["hi"][0].clone()
for s in range(1, 200): lo += 0.01 * (e["lo"][s] - lo); hi += 0.01 * (e["hi"][s] - hi)
c, h = ((hi + lo) / 2)[None, :, None], (k * (hi - lo) / 2)[None, :, None]
orig = m.encode_distribution
m.encode_distribution = lambda x: (lambda mu, s: (c + h * torch.tanh((mu - c) / h), s))(*orig(x))
clips = [torch.from_numpy(sf.read(f, dtype="float32", always_2d=True)[0].T.copy()) for f in sorted(glob.glob("/tmp/s3/valid/*.wav"))]
proc = reconstruction_process(m, "cpu"); rows = []
for ref in clips:
    est = proc(ref)[:, :ref.shape[-1]]; r = evaluate_pair(est, ref); r["stereo"] = stereo_image_error(est, ref); rows.append(r)
mean = {k: np.mean([float(r[k]) for r in rows]) for k in ("mel_distance","stft_distance","icpc","ccpc","si_sdr","stereo")}
sw = sine_sweep(proc); b = blow_ups(sw)
print(k, "maxpeak %.1f" % sw.peak_dbfs.max(), " ".join(f"{k}={v:.3f}" for k, v in mean.items()), "| blowups", [(r.frequency_hz, r.level_dbfs, round(r.peak_dbfs, 1)) for r in b.itertuples()])
