"""Issue-32 item-4 probe: the pipeline's warm start (params.yaml, demo preset), with candidate changes, then the sine sweep.
usage: wprobe.py NAME STEPS [--dcblock SECONDS] [--dcfree] [--set k=v ...]"""
import os
os.environ["OMP_NUM_THREADS"] = "1"; os.environ["MKL_NUM_THREADS"] = "1"
import argparse, copy, json, time, math
import numpy as np, torch, torch.nn.functional as F
torch.set_num_threads(1)
from ear_vae import model as M
from ear_vae.params import load_params, apply_overrides
from ear_vae.trainer import Trainer, training_batches
ap = argparse.ArgumentParser(); ap.add_argument("name"); ap.add_argument("steps", type=int)
ap.add_argument("--dcblock", type=float, default=0.0); ap.add_argument("--dcfree", action="store_true"); ap.add_argument("--encdcfree", action="store_true"); ap.add_argument("--data", default="/work/main/data/prepared"); ap.add_argument("--set", nargs="*", default=[])
a = ap.parse_args()

# As run: the first draft of ear_vae.dsp.local_mean, both passes half a sample early for an even width (a one-sample shift of the
# subtracted sub-5 Hz trend, negligible); ear_vae.dsp.remove_dc cancels the offsets. evalp.py scores with ear_vae.dsp.
def local_mean(x, width):
    c = F.pad(x.double().cumsum(-1), (1, 0)); T = x.shape[-1]; i = torch.arange(T, device=x.device)
    lo = (i - width // 2).clamp(0, T); hi = (i + width - width // 2).clamp(0, T)
    return ((c[..., hi] - c[..., lo]) / (hi - lo)).to(x.dtype)

if a.dcblock:
    W = int(round(a.dcblock * 44100)); orig = M.OobleckDecoder.forward
    def fwd(self, x):
        y = orig(self, x); return y - local_mean(local_mean(y, W), W)
    M.OobleckDecoder.forward = fwd
cfg = copy.deepcopy(M.PRESETS["demo"])
cfg["encoder"]["config"]["dc_free_snake"] = bool(a.encdcfree)
M.PRESETS["probe"] = cfg
p = apply_overrides(load_params("/work/main/params.yaml"), ["model.preset=probe", "train.device=cpu", *a.set])
tr = Trainer(p, None, a.name)
if a.dcfree:
    for mod in tr.generator.modules():
        if isinstance(mod, M.SnakeBeta): mod.dc_free = True
batches = training_batches(p, a.data)
t0 = time.time(); log = []
while tr.step < a.steps:
    v = tr.training_step(batches.batch(tr.step))
    if tr.step % 100 == 0: log.append({"step": tr.step, "t": round(time.time() - t0, 1), **{k: round(float(x), 4) for k, x in v.items()}}); print(log[-1], flush=True)
model = tr.inference_model.eval()
torch.save({"config": cfg, "state_dict": model.state_dict(), "dcblock": a.dcblock, "dcfree": a.dcfree}, f"/tmp/p4/out/{a.name}.pt")
print("trained", a.name, tr.step, round(time.time() - t0))
