"""A warm-start probe from scratch for a fixed wall time (one thread), then scored on the valid clips.
usage: python probe_train.py NAME SECONDS [--side W] [--dc W] [--set key=value ...]
--side W: add W x (waveform_weight x L1 + mel_weight x log-mel) on the side channel S=(L-R)/2 (loss written here, not in the repo).
--dc W:   add W x waveform_weight x |mean_t(x_hat) - mean_t(x)| per channel (a DC-matching term)."""
import argparse, sys
sys.path.insert(0, "/tmp/diag")
from common import *
import torch.nn as nn
from ear_vae.params import apply_overrides
from ear_vae.trainer import Trainer, training_batches
from ear_vae.losses import WarmStartLoss


class SideWarmStartLoss(WarmStartLoss):
    def __init__(self, waveform_weight, mel_weight, side_weight=0.0, dc_weight=0.0):
        super().__init__(waveform_weight, mel_weight)
        self.side_weight, self.dc_weight = side_weight, dc_weight

    def forward(self, x_hat, x):
        total, terms = super().forward(x_hat, x)
        if self.side_weight:
            sh, s = (x_hat[:, :1] - x_hat[:, 1:]) / 2, (x[:, :1] - x[:, 1:]) / 2
            terms["side_waveform_l1"] = self.side_weight * self.waveform_weight * (sh - s).abs().mean()
            terms["side_mel"] = self.side_weight * self.mel_weight * self.mel(sh, s)
        if self.dc_weight:
            terms["dc"] = self.dc_weight * self.waveform_weight * (x_hat.mean(-1) - x.mean(-1)).abs().mean()
        return sum(terms.values()), terms


def train_probe(name, seconds, side=0.0, dc=0.0, sets=(), out_dir="/tmp/diag/probes", data_dc="keep", hf_aug=0.0, dcfree_dec=False, dcfree_enc=False):
    p = apply_overrides(params(), ["train.warmstart_steps=100000", "train.steps=100001", "train.device=cpu", *sets])
    tr = Trainer(p, None, name)
    if dcfree_dec: set_dcfree(tr.generator.decoder)   # train with the diagnostic DC-free Snake-beta in the decoder
    if dcfree_enc: set_dcfree(tr.generator.encoder)   # ... in the encoder
    tr.warm_start_loss = SideWarmStartLoss(p["loss"]["waveform_weight"], p["loss"]["mel_weight"], side, dc)
    batches = training_batches(p, "/tmp/wt32/data/prepared")
    t0 = time.time(); log = []
    while time.time() - t0 < seconds:
        x = batches.batch(tr.step)
        if data_dc == "mean": x = x - x.mean(-1, keepdim=True)   # per-crop, per-channel DC removed from the training data
        if hf_aug:   # music augmentation (input = target): half the crops tilted up by x + g (x[n] - x[n-1]), g ~ U(0, hf_aug)
            gen = torch.Generator().manual_seed(10_000 + tr.step)
            g = torch.rand(x.shape[0], 1, 1, generator=gen) * hf_aug * (torch.rand(x.shape[0], 1, 1, generator=gen) < 0.5)
            x = x + g * (x - torch.nn.functional.pad(x, (1, 0))[..., :-1])
        v = tr.training_step(x)
        if tr.step % 50 == 0: log.append({"step": tr.step, "t": time.time() - t0, **{k: float(x) for k, x in v.items()}})
    train_s = time.time() - t0
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    torch.save(tr.inference_model.state_dict(), f"{out_dir}/{name}.pt")
    return tr.inference_model.eval(), tr.step, train_s, log


if __name__ == "__main__":
    from pathlib import Path
    from valid_eval import evaluate, print_summary
    ap = argparse.ArgumentParser(); ap.add_argument("name"); ap.add_argument("seconds", type=float)
    ap.add_argument("--side", type=float, default=0.0); ap.add_argument("--dc", type=float, default=0.0)
    ap.add_argument("--set", nargs="*", default=[]); ap.add_argument("--data-dc", choices=["keep", "mean"], default="keep")
    ap.add_argument("--hf-aug", type=float, default=0.0); ap.add_argument("--dcfree-dec", action="store_true"); ap.add_argument("--dcfree-enc", action="store_true")
    a = ap.parse_args()
    model, steps, train_s, log = train_probe(a.name, a.seconds, a.side, a.dc, a.set, data_dc=a.data_dc, hf_aug=a.hf_aug, dcfree_dec=a.dcfree_dec, dcfree_enc=a.dcfree_enc)
    t0 = time.time()
    rows, m = evaluate(model, full=True)
    from sine_response import measure
    sines = measure(model, verbose=False)
    for r in sines: r.pop("encoder_snakes"); r.pop("decoder_snakes")
    res = {"name": a.name, "side": a.side, "dc": a.dc, "data_dc": a.data_dc, "hf_aug": a.hf_aug, "dcfree_dec": a.dcfree_dec, "dcfree_enc": a.dcfree_enc, "set": a.set, "sines": sines, "steps": steps, "train_seconds": train_s,
           "eval_seconds": time.time() - t0, "mean": m, "rows": rows, "log": log}
    json.dump(res, open(f"/tmp/diag/probes/{a.name}.json", "w"), indent=1, default=str)
    print(f"{a.name}: {steps} steps in {train_s:.0f} s"); print_summary(a.name, m)
