"Values of the authors' phase / correlation losses (as the full recipe weights them) for: the ws800 reconstruction, the mono downmix, and chance (each crop vs another crop)."
import sys; sys.path.insert(0, "/tmp/diag")
from common import *
from ear_vae.losses import training_loss
from ear_vae.trainer import training_batches
p = params()
loss = training_loss("full", p["loss"])
model = get_model(sys.argv[1])
b = training_batches(p, "/tmp/wt32/data/prepared")
acc = {}
for step in range(800, 808):
    x = b.batch(step)
    with torch.no_grad():
        xh = model(x, sample=False)[0]
        mono = ((x[:, :1] + x[:, 1:]) / 2).expand(-1, 2, -1).contiguous()
        other = x.roll(1, 0)   # chance: another crop of the batch
        for name, est in (("model", xh), ("mono", mono), ("chance_other_crop", other), ("identity", x)):
            _, terms = loss(est, x)
            for k, v in terms.items(): acc.setdefault(name, {}).setdefault(k, []).append(float(v))
out = {n: {k: float(np.mean(v)) for k, v in d.items()} for n, d in acc.items()}
keys = list(out["model"])
print(f"{'':20s}" + "".join(f"{k:>16s}" for k in keys))
for n, d in out.items(): print(f"{n:20s}" + "".join(f"{d[k]:16.4f}" for k in keys))
json.dump(out, open(sys.argv[2], "w"), indent=1)
