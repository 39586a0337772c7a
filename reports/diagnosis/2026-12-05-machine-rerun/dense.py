"""The sweep between its points: 30 third-octave frequencies from 20 Hz to 16 kHz at -20, -10 and -6 dBFS, through every
pipeline model with its bound (margin 1.5, as committed)."""
import torch, glob, numpy as np
from ear_vae.checkpoints import load_model
from ear_vae.thd import sine_sweep, blow_ups, reconstruction_process
torch.set_num_threads(2)
freqs = tuple(float(round(f)) for f in 1000 * 2 ** (np.arange(-17, 13) / 3))   # 20 Hz ... 16 kHz, third octaves
worst = []
for ck in sorted(glob.glob("models/*/seed*/checkpoint.pt")):
    m = load_model(ck, "cpu")
    sw = sine_sweep(reconstruction_process(m, "cpu"), frequencies=freqs, levels_db=(-20.0, -10.0, -6.0))
    w = sw.loc[sw.peak_dbfs.idxmax()]
    print(ck.split("models/")[1].rsplit("/", 1)[0], f"{len(sw)} stimuli, blow-ups {len(blow_ups(sw))}, worst peak {w.peak_dbfs:+.1f} dBFS at {w.frequency_hz:g} Hz {w.level_dbfs:g} dBFS, max DC {sw.dc.max():.4f}", flush=True)
