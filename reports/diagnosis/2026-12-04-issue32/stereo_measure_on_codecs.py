import torch, numpy as np, tempfile, soundfile as sf
from pathlib import Path
torch.set_num_threads(1)
from ear_vae.metrics import load_audio, stereo_image_error
from ear_vae.evaluation import codec_roundtrip, mono_downmix_control
rows = {}
for p in sorted(Path("/tmp/diag/valid_clips").glob("*.wav"))[:8]:
    x = load_audio(p)[0]
    r = {"mono": stereo_image_error(mono_downmix_control(x), x)}
    with tempfile.TemporaryDirectory() as d:
        for c in ("opus_64", "mp3_128", "aac_128"):
            codec_roundtrip(p, f"{d}/o.wav", c); r[c] = stereo_image_error(load_audio(f"{d}/o.wav")[0][:, :x.shape[1]], x)
    side_db = 10 * np.log10(float(((x[0]-x[1])/2).pow(2).mean()) / float(((x[0]+x[1])/2).pow(2).mean()))
    print(p.name, f"side/mid {side_db:.1f} dB", {k: round(v, 3) for k, v in r.items()}, flush=True)
