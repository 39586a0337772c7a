import torch, numpy as np, glob, soundfile as sf, sys
from ear_vae.checkpoints import load_model
from ear_vae.data import SegmentDataset, StepBatches
torch.set_num_threads(2)
m = load_model(sys.argv[1], "cpu")
ds = SegmentDataset("data/prepared", "train", 16384, 4000, seed=0)
sb = StepBatches(ds, 4, 0)
los, his = [], []
with torch.no_grad():
    for s in range(200):
        mu = m.encode_distribution(sb.batch(s))[0].transpose(0, 1).reshape(64, -1)
        los.append(mu.amin(-1)); his.append(mu.amax(-1))
los, his = torch.stack(los), torch.stack(his)
torch.save({"lo": los, "hi": his}, "/tmp/s3/ext_" + sys.argv[1].replace("/", "_") + ".pt")
clips = [torch.from_numpy(sf.read(f, dtype="float32", always_2d=True)[0].T.copy()) for f in sorted(glob.glob("/tmp/s3/valid/*.wav"))]
with torch.no_grad():
    mus = torch.cat([m.encode_distribution(c[None, :, :c.shape[-1] // 128 * 128])[0][0] for c in clips], -1)
qlo, qhi = mus.quantile(0.001, dim=-1), mus.quantile(0.999, dim=-1)
for mom in (0.01, 0.05):
    lo, hi = los[0].clone(), his[0].clone()
    for s in range(1, 200): lo += mom * (los[s] - lo); hi += mom * (his[s] - hi)
    print(f"momentum {mom}: EMA half-range / valid 0.1-99.9% half-range, median over channels {((hi-lo)/(qhi-qlo)).median():.2f}, min {((hi-lo)/(qhi-qlo)).min():.2f}")
print(f"max-over-batches half-range / valid: median {((his.amax(0)-los.amin(0))/(qhi-qlo)).median():.2f}")
print(f"mean of batch extremes / valid: median {((his.mean(0)-los.mean(0))/(qhi-qlo)).median():.2f}")
