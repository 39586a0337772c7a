"metrics.stereo_image_error per octave band (same code, the per-band errors kept) for a checkpoint / probe state dict on the valid clips."
import sys; sys.path.insert(0, "/tmp/diag")
from common import *
from ear_vae.metrics import _stft, STEREO_BANDS_HZ, stereo_image_error
from ear_vae.model import EarVAE
from valid_eval import make_clips, model_fn

def sie_bands(est, ref, n_fft=2048, floor_db=-60.0):
    (mh, sh), (m, s) = (_stft(torch.stack([(x[0] + x[1]) / 2, (x[0] - x[1]) / 2]), n_fft) for x in (est, ref))
    freqs = torch.fft.rfftfreq(n_fft, 1 / SR, dtype=torch.float64); out = {}
    for c in STEREO_BANDS_HZ:
        band = (freqs >= c / 2 ** 0.5) & (freqs < c * 2 ** 0.5)
        side, mid = s[band].abs().pow(2).sum(), m[band].abs().pow(2).sum()
        if side <= mid * 10 ** (floor_db / 10) or side == 0: continue
        gain = (mh[band].abs().pow(2).sum() / mid).sqrt().clamp_min(1e-12)
        # error split: the part of sh/gain correlated with s (coherent) and the rest
        e = sh[band] / gain
        proj = (e * s[band].conj()).sum().real / side          # least-squares scale of s inside e
        out[c] = {"error": float(((e - s[band]).abs().pow(2).sum() / side).sqrt()),
                  "side_rel_db": float(10 * torch.log10(e.abs().pow(2).sum() / side)),      # gain-matched side level re reference side
                  "coherent_scale": float(proj)}                                              # 1: right side, 0: uncorrelated/none
    return out

clips = make_clips()
res = {}
for src in sys.argv[1:]:
    if src.endswith(".pt") and "/probes/" in src:
        model = EarVAE.from_preset("demo"); model.load_state_dict(torch.load(src, weights_only=True)); f = model_fn(model.eval())
    else: f = model_fn(src)
    per = [sie_bands(f(x), x) for x in clips.values()]
    res[src] = {str(c): {k: float(np.mean([p[c][k] for p in per if c in p])) for k in ("error", "side_rel_db", "coherent_scale")} for c in STEREO_BANDS_HZ}
    print(f"== {src}: band error side_rel_db coherent_scale")
    for c, d in res[src].items(): print(f"  {c:>5} {d['error']:6.3f} {d['side_rel_db']:+7.2f} {d['coherent_scale']:+6.3f}")
json.dump(res, open("/tmp/diag/sie_bands.json", "w"), indent=1)
