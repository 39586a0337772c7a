"""Where the metric gap lives: paper metrics of mid/side hybrids of the ws800 reconstruction and the reference on the valid clips.
  model        : (M_hat, S_hat)         the reconstruction
  oracle_side  : (M_hat, S)             model mid + reference side
  oracle_mid   : (M, S_hat)             reference mid + model side
  model_mono   : (M_hat, 0)             model mid, no side
  mono         : (M, 0)                 the mono downmix control"""
import sys; sys.path.insert(0, "/tmp/diag")
from common import *
from valid_eval import make_clips, model_fn, score_pair, summarise
f = model_fn(sys.argv[1]); clips = make_clips()
ms = lambda y: ((y[0] + y[1]) / 2, (y[0] - y[1]) / 2)
lr = lambda m, s: torch.stack([m + s, m - s])
res = {}
for name, x in clips.items():
    y = f(x); (mh, sh), (m, s) = ms(y), ms(x)
    for label, est in (("model", y), ("oracle_side", lr(mh, s)), ("oracle_mid", lr(m, sh)), ("model_mono", lr(mh, 0 * s)), ("mono", lr(m, 0 * s))):
        res.setdefault(label, []).append({"clip": name, **score_pair(est, x)})
out = {k: summarise(v) for k, v in res.items()}
keys = ("mel_distance", "stft_distance", "icpc", "ccpc", "si_sdr", "stereo_image_error")
print(f"{'':12s}" + "".join(f"{k:>19s}" for k in keys))
for k, m in out.items(): print(f"{k:12s}" + "".join(f"{m[c]:19.4f}" for c in keys))
json.dump(out, open(sys.argv[2], "w"), indent=1, default=str)
