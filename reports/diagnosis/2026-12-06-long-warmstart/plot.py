"""The long warm start's curve beside the mono downmix and the 2026-12-05 plain run (no STFT term).
usage: python plot.py            (from the repository root; writes long.png beside this file)"""
import json
from pathlib import Path
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt

here = Path(__file__).parent
long, plain = json.loads((here / "long.json").read_text()), json.loads((here.parent / "2026-12-05-longer-warmstart/longer.json").read_text())
metrics = [("stft_distance", "STFT distance ↓"), ("mel_distance", "Mel distance ↓"), ("si_sdr", "SI-SDR dB ↑"), ("stereo_image_error", "Stereo error ↓")]
fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
for ax, (key, label) in zip(axes, metrics):
    for run, name, style in ((long, "warm start + SAO STFT (weight 1)", "o-"), (plain, "warm start alone (2026-12-05)", "s--")):
        ax.plot([p["step"] for p in run["curve"]], [p[key] for p in run["curve"]], style, ms=4, label=name)
    ax.axhline(long["mono_downmix"][key], color="k", lw=1, ls=":", label="mono downmix")
    ax.set(title=label, xlabel="step")
axes[0].legend(fontsize=8)
fig.suptitle(f"demo preset, the pipeline's warm start continued on this CPU; {long['clips']} validation clips", fontsize=10)
fig.tight_layout(); fig.savefig(here / "long.png", dpi=80)
