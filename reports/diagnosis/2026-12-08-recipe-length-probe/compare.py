"""The recipe-length probe's tables and figure: python compare.py OUT (after length.sh OUT MODELS; OUT may be this folder,
which keeps eval_valid/ and eval_valid_control/). Paired as in reports/ablation.md (positive = better; `*`: the two-level
95 % interval excludes 0; `†`: the t interval of the seed means too, here with 2 seeds: 1 degree of freedom). Writes the
tables to stdout and length.png beside this file."""
import sys, numpy as np, pandas as pd
from pathlib import Path
import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
from ear_vae.stats import marked, paired_difference, paired_verdict
from ear_vae.metrics import METRICS
out, here = Path(sys.argv[1]), Path(__file__).resolve().parent
SEEDS, STEPS, RECIPES = [0, 1], [2150, 2300, 2450], ["sao", "kw"]
recipe_steps = lambda steps: steps - 2000

rows = [pd.read_csv(out / "eval_valid" / r / f"seed{s}" / f"step{n}" / "per_file.csv").assign(system=f"{r}@{recipe_steps(n)}", seed=s)
        for r in RECIPES for s in SEEDS for n in STEPS]
warm = pd.read_csv(out / "eval_valid" / "warmstart" / "per_file.csv")
rows += [warm.assign(system="warmstart", seed=s) for s in SEEDS]   # one model: repeated at each seed, so that pairs match by seed
rows += [pd.read_csv(out / "eval_valid_control" / c / "per_file.csv").assign(system=c, seed=s) for c in ("mono_downmix", "random_phase") for s in SEEDS]
pf = pd.concat(rows)
for m in METRICS: pf[m] = pf[m] * METRICS[m].scale
head = "| " + " | ".join(s.label for s in METRICS.values()) + " |"
rule = "|---|" + "---|" * len(METRICS)
print(f"{pf.file.nunique()} validation clips; ICPC and CCPC in %; recipe steps after the 2000-step warm start (half of them generator updates)\n")
print("### Means over seeds 0, 1 and the clips\n")
print("| system " + head + "\n" + rule)
for system in ["warmstart", *[f"{r}@{recipe_steps(n)}" for r in RECIPES for n in STEPS], "mono_downmix", "random_phase"]:
    g = pf[pf.system == system]
    print(f"| {system} | " + " | ".join(f"{g[m].mean():.3f}" for m in METRICS) + " |")
print("\n### Paired differences (positive = better)\n")
print("| pair " + head + "\n" + rule)
pairs = [(f"{r}@{recipe_steps(n)}", "warmstart") for r in RECIPES for n in STEPS]
pairs += [(f"{r}@{recipe_steps(n)}", f"{r}@150") for r in RECIPES for n in STEPS[1:]]
pairs += [(f"kw@{recipe_steps(n)}", f"sao@{recipe_steps(n)}") for n in STEPS]
for a, b in pairs:
    verdicts = {m: paired_verdict(paired_difference(pf, a, b, m, SEEDS, higher_is_better=spec.higher_is_better)) for m, spec in METRICS.items()}
    print(f"| {a} − {b} | " + " | ".join(marked(v) for v in verdicts.values()) + " |")
fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
for ax, m in zip(axes, ("mel_distance", "stft_distance", "ccpc", "si_sdr")):
    for i, r in enumerate(RECIPES):
        for s in SEEDS:
            ys = [pf[(pf.system == f"{r}@{recipe_steps(n)}") & (pf.seed == s)][m].mean() for n in STEPS]
            ax.plot([recipe_steps(n) for n in STEPS], ys, marker="o", color=f"C{i}", alpha=0.8, label=f"{r}" if s == 0 else None)
    ax.axhline(warm[m].mean() * METRICS[m].scale, color="0.3", ls="--", lw=1, label="warm start (its EMA)")
    if m in ("mel_distance", "si_sdr"):
        ax.axhline(pf[pf.system == "mono_downmix"][m].mean(), color="0.6", ls=":", lw=1, label="mono downmix")
    ax.set_xlabel("recipe steps"); ax.set_xticks([150, 300, 450])
    ax.set_title(METRICS[m].label + (f" ({METRICS[m].unit})" if METRICS[m].unit else "") + (" ↓" if not METRICS[m].higher_is_better else " ↑"))
axes[0].legend(fontsize=7)
fig.suptitle("10 validation clips, seeds 0 and 1 (one line each): the pipeline's runs extended past their 150 recipe steps, exported as EMA", fontsize=9)
fig.tight_layout(); fig.savefig(here / "length.png", dpi=100)
