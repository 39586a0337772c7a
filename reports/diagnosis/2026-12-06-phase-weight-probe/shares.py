"""Each term's share of the generator's gradient for the `phase` recipe at the committed warm start, at phase weights 0.5, 5 and 20
of the authors' phase terms (the default style) and 0.5 and 5 of our anti-wrapped, magnitude-weighted ones (4 training batches,
adversarial terms on, one fixed draw of the sampling noise: `diagnosis.mean_gradient_shares`, as nbs/14_diagnosis.ipynb measures it).
From the repository root: python reports/diagnosis/2026-12-06-phase-weight-probe/shares.py > shares.txt"""
import pandas as pd
from ear_vae.diagnosis import mean_gradient_shares
from ear_vae.params import apply_overrides, load_params
from ear_vae.trainer import Trainer, training_batches

rows = []
for style, weight in (("authors", 0.5), ("authors", 5), ("authors", 20), ("antiwrapped", 0.5), ("antiwrapped", 5)):
    params = apply_overrides(load_params("params.yaml"), [f"loss.phase_weight={weight}", f"loss.phase_style={style}"])
    trainer = Trainer(params, "phase"); trainer.start_from_warmstart("models/warmstart/checkpoint.pt"); trainer.generator.train()
    shares = mean_gradient_shares(trainer, training_batches(params, "data/prepared"), 4, params.seed)
    rows.append(shares[["norm_share", "norm_share_min", "norm_share_max", "cosine", "cosine_min", "cosine_max"]]
                .assign(phase_style=style, phase_weight=weight).reset_index())
table = pd.concat(rows).set_index(["phase_style", "phase_weight", "term"])
print(table.round(4).to_string())
