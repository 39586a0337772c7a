"Stereo measure: unweighted octave mean vs side-energy weighted, on mono, codecs and probe models (valid clips)."
import os, sys, json, tempfile
os.environ["OMP_NUM_THREADS"] = "1"
import torch, numpy as np
torch.set_num_threads(1)
from pathlib import Path
from ear_vae.metrics import load_audio, _stft, STEREO_BANDS_HZ, TARGET_RATE
from ear_vae.evaluation import codec_roundtrip, mono_downmix_control

def band_errors(est, ref, n_fft=2048, floor_db=-60.0):
    (mh, sh), (m, s) = (_stft(torch.stack([(x[0] + x[1]) / 2, (x[0] - x[1]) / 2]), n_fft) for x in (est, ref))
    freqs = torch.fft.rfftfreq(n_fft, 1 / TARGET_RATE, dtype=torch.float64)
    out = []
    for c in STEREO_BANDS_HZ:
        band = (freqs >= c / 2 ** 0.5) & (freqs < c * 2 ** 0.5)
        side, mid = s[band].abs().pow(2).sum(), m[band].abs().pow(2).sum()
        if side <= mid * 1e-6 or side == 0: continue
        gain = (mh[band].abs().pow(2).sum() / mid).sqrt().clamp_min(1e-12)
        err = (sh[band] / gain - s[band]).abs().pow(2).sum()
        out.append((c, float(err), float(side)))
    return out

def both(est, ref):
    b = band_errors(est, ref)
    unweighted = np.mean([np.sqrt(e / s) for _, e, s in b])
    weighted = np.sqrt(sum(e for _, e, _ in b) / sum(s for _, _, s in b))
    return unweighted, weighted

from ear_vae.model import EarVAE
models = {}
for name in sys.argv[1:]:
    blob = torch.load(f"/tmp/p32/out/{name}.pt", weights_only=False)
    m = EarVAE(blob["config"]); m.load_state_dict(blob["state_dict"]); models[name] = m.eval()
def run(m, x):
    n = x.shape[-1]; pad = (-n) % m.downsampling_ratio
    with torch.no_grad(): return m.decode(m.encode(torch.nn.functional.pad(x, (0, pad))[None], sample=False))[0, :, :n]
res = {}
for p in sorted(Path("/tmp/diag/valid_clips").glob("*.wav")):
    x = load_audio(p)[0]
    r = {"mono": both(mono_downmix_control(x), x), "identity_x0.5": both(0.5 * x, x), "width0.5": both(torch.stack([(x[0]+x[1])/2 + 0.5*(x[0]-x[1])/2, (x[0]+x[1])/2 - 0.5*(x[0]-x[1])/2]), x)}
    for name, m in models.items(): r[name] = both(run(m, x), x)
    with tempfile.TemporaryDirectory() as d:
        for c in ("opus_64", "mp3_128", "aac_128"):
            codec_roundtrip(p, f"{d}/o.wav", c); r[c] = both(load_audio(f"{d}/o.wav")[0][:, :x.shape[1]], x)
    res[p.stem] = r
    print(p.stem, {k: (round(v[0], 3), round(v[1], 3)) for k, v in r.items()}, flush=True)
keys = list(next(iter(res.values())))
print("MEAN (unweighted, weighted):", {k: (round(np.mean([r[k][0] for r in res.values()]), 3), round(np.mean([r[k][1] for r in res.values()]), 3)) for k in keys})
