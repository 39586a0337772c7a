import torch, numpy as np, sys, glob, soundfile as sf, copy
from ear_vae.model import EarVAE, SnakeBeta
from ear_vae.checkpoints import load_model
from ear_vae.thd import sine_sweep, blow_ups, reconstruction_process
from ear_vae.metrics import evaluate_pair, stereo_image_error
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
p = sys.argv[1]
if "/tmp/p4/out" in p:
    d = torch.load(p, weights_only=False); cfg = copy.deepcopy(d["config"])
    if d.get("dcblock"): cfg["decoder"]["config"]["dc_block_samples"] = int(round(d["dcblock"] * 44100))
    m = EarVAE.from_state_dict(d["state_dict"], cfg).eval()
    if d["dcfree"]:
        for s in m.modules():
            if isinstance(s, SnakeBeta): s.dc_free = True
else: m = load_model(p, "cpu")
proc = reconstruction_process(m, "cpu")
rows = []
for f in sorted(glob.glob("/tmp/p4/valid_clips/*.wav")):
    ref = torch.from_numpy(sf.read(f, dtype="float32", always_2d=True)[0].T.copy()); est = proc(ref)[:, :ref.shape[-1]]
    r = evaluate_pair(est, ref); r["stereo"] = stereo_image_error(est, ref)
    rows.append({k: float(v) for k, v in r.items() if isinstance(v, (int, float))})
mean = {k: np.mean([r[k] for r in rows]) for k in rows[0]}
sw = sine_sweep(proc); b = blow_ups(sw)
pk = b[b.peak_dbfs > 0]; dc = b[b.dc > 0.01]
print(p.split("/")[-2 if "checkpoint" in p else -1], " ".join(f"{k}={mean[k]:.3f}" for k in ("mel_distance","stft_distance","icpc","ccpc","si_sdr","stereo") if k in mean),
      f"| blowups {len(b)}/24 peak>0: {[(r.frequency_hz, r.level_dbfs, round(r.peak_dbfs,2)) for r in pk.itertuples()]} dc>0.01: {len(dc)} max dc {sw.dc.max():.4f}")
