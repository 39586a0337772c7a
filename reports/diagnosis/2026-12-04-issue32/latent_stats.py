"Latent (posterior mean) statistics of a checkpoint on the valid clips vs on sines: is a loud HF sine's latent outside the music's range?"
import sys; sys.path.insert(0, "/tmp/diag")
from common import *
from valid_eval import make_clips
model = get_model(sys.argv[1])
frames = []
with torch.no_grad():
    for name, x in make_clips().items():
        T = x.shape[-1] // 1024 * 1024
        z = model.encode(x[None, :, :T], sample=False)[0]          # [64, N]
        frames.append(z.pow(2).mean(0).sqrt())                   # per-frame rms over channels
fr = torch.cat(frames).numpy()
pct = {p: float(np.percentile(fr, p)) for p in (50, 90, 99, 100)}
print("music latent per-frame rms percentiles (50/90/99/max):", {k: round(v, 3) for k, v in pct.items()})
out = {"music_frame_rms_pct": pct, "sines": []}
for f in (100, 1000, 6000, 12000, 16000):
    for lvl in (-20, -6):
        x = sine(f, lvl); T = x.shape[-1] // 1024 * 1024
        with torch.no_grad(): z = model.encode(x[None, :, :T], sample=False)[0]
        r = z.pow(2).mean(0).sqrt()[5:-5]
        share = float((fr > float(r.median())).mean())
        out["sines"].append({"freq": f, "level": lvl, "frame_rms_median": float(r.median()), "music_frames_above": share})
        print(f"{f:6d} Hz {lvl:+d} dBFS: latent frame rms median {float(r.median()):.3f}; fraction of music frames above it {share:.3f}")
json.dump(out, open(sys.argv[2], "w"), indent=1)
