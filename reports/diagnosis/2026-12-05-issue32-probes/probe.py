"""Issue-32 probe at HEAD: warm-start loss from scratch for a fixed wall time (one thread), scored on the 8 valid clips and sines.
usage: probe.py NAME SECONDS [--channels C] [--strides 2,4,4,4,8] [--latent 64] [--side W] [--set k=v ...]"""
import os
os.environ["OMP_NUM_THREADS"] = "1"; os.environ["MKL_NUM_THREADS"] = "1"
import argparse, copy, json, time, math
from pathlib import Path
import numpy as np, torch, soundfile as sf
torch.set_num_threads(1)
from ear_vae import model as M
from ear_vae.params import load_params, apply_overrides
from ear_vae.trainer import Trainer, training_batches
from ear_vae.losses import WarmStartLoss
from ear_vae.metrics import evaluate_pair, stereo_image_error
from ear_vae.thd import thd_n_db, sine_stimulus

ap = argparse.ArgumentParser(); ap.add_argument("name"); ap.add_argument("seconds", type=float)
ap.add_argument("--channels", type=int, default=8); ap.add_argument("--strides", default="2,4,4,4,8"); ap.add_argument("--latent", type=int, default=64)
ap.add_argument("--mults", default="1,2,4,8,16"); ap.add_argument("--no-transformer", action="store_true")
ap.add_argument("--side", type=float, default=0.0); ap.add_argument("--dcfree", action="store_true"); ap.add_argument("--side-mel-only", action="store_true"); ap.add_argument("--set", nargs="*", default=[])
a = ap.parse_args()
cfg = copy.deepcopy(M.PAPER_CONFIG)
strides = [int(s) for s in a.strides.split(",")]; mults = [int(s) for s in a.mults.split(",")]
for part in ("encoder", "decoder"):
    cfg[part]["config"].update(channels=a.channels, strides=strides, c_mults=mults)
cfg["encoder"]["config"]["latent_dim"] = 2 * a.latent; cfg["decoder"]["config"]["latent_dim"] = a.latent; cfg["latent_dim"] = a.latent
cfg["downsampling_ratio"] = int(np.prod(strides))
if a.dcfree: cfg["encoder"]["config"]["dc_free_snake"] = True
if a.no_transformer: cfg.pop("transformer")
M.PRESETS["probe"] = cfg
p = apply_overrides(load_params("/work/main/params.yaml"), ["model.preset=probe", "train.warmstart_steps=100000", "train.steps=100001", "train.device=cpu", *a.set])


class SideWarmStartLoss(WarmStartLoss):
    def __init__(self, ww, mw, side=0.0):
        super().__init__(ww, mw); self.side = side
    def forward(self, x_hat, x):
        total, terms = super().forward(x_hat, x)
        if self.side:
            sh, s = (x_hat[:, :1] - x_hat[:, 1:]) / 2, (x[:, :1] - x[:, 1:]) / 2
            if not a.side_mel_only: terms["side_waveform_l1"] = self.side * self.waveform_weight * (sh - s).abs().mean()
            terms["side_mel"] = self.side * self.mel_weight * self.mel(sh, s)
        return sum(terms.values()), terms


tr = Trainer(p, None, a.name)
nparams = sum(q.numel() for q in tr.generator.parameters())
tr.warm_start_loss = SideWarmStartLoss(p.loss.waveform_weight, p.loss.mel_weight, a.side)
batches = training_batches(p, "/work/main/data/prepared")
t0 = time.time(); log = []
while time.time() - t0 < a.seconds:
    v = tr.training_step(batches.batch(tr.step))
    if tr.step % 100 == 0: log.append({"step": tr.step, "t": round(time.time() - t0, 1), **{k: round(float(x), 4) for k, x in v.items()}})
train_s = time.time() - t0
model = tr.inference_model.eval(); ratio = cfg["downsampling_ratio"]

def run(x):
    n = x.shape[-1]; pad = (-n) % ratio
    with torch.no_grad(): return model.decode(model.encode(torch.nn.functional.pad(x, (0, pad))[None], sample=False))[0, :, :n]

rows = []
for f in sorted(Path("/tmp/diag/valid_clips").glob("*.wav")):
    ref = torch.from_numpy(sf.read(f, dtype="float32", always_2d=True)[0].T.copy())
    est = run(ref)
    r = evaluate_pair(est, ref); r["stereo"] = stereo_image_error(est, ref)
    r["lr_corr_out"] = float(np.corrcoef(est[0].numpy(), est[1].numpy())[0, 1])
    rows.append({k: float(v) for k, v in r.items() if isinstance(v, (int, float))})
mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
sines = []
torch.save({"config": cfg, "state_dict": model.state_dict()}, f"/tmp/p32/out/{a.name}.pt")
for freq, lvl in ((997, -20.0), (100, -6.0), (997, -6.0), (4000, -6.0), (6000, -6.0), (12000, -6.0), (16000, -6.0)):
    x = sine_stimulus(freq, lvl)
    if x.ndim == 1: x = torch.stack([x, x])
    y = run(x); n = y.shape[-1]; mid = y[:, n // 10: n - n // 10]
    sines.append({"freq": freq, "level": lvl, "peak_dbfs": 20 * math.log10(float(mid.abs().max()) + 1e-12), "dc": float(mid.mean()),
                  "thd_n_db": float(thd_n_db(mid[0].numpy(), fundamental=freq))})
res = {"name": a.name, "args": vars(a), "params": nparams, "steps": tr.step, "train_s": train_s, "mean": mean, "sines": sines, "log": log}
Path("/tmp/p32/out").mkdir(exist_ok=True); json.dump(res, open(f"/tmp/p32/out/{a.name}.json", "w"), indent=1)
keys = ["mel_distance", "stft_distance", "icpc", "ccpc", "si_sdr", "stereo", "lr_corr_out"]
print(a.name, f"{nparams/1e6:.2f}M", tr.step, "steps", " ".join(f"{k}={mean[k]:.3f}" for k in keys if k in mean))
print("  sines:", " ".join(f"{s['freq']}@{s['level']:.0f}:{s['peak_dbfs']:+.1f}/{s['dc']:+.3f}/{s['thd_n_db']:+.1f}" for s in sines))
