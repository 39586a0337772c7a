"""Gradient share of each generator loss term at the warm start's end, for recipes (sao, full...).
usage: python grad_share.py WARMSTART_CKPT WARMSTART_STEPS OUT.json [--recipes sao full] [--batches 4]
Per term i: |g_i| (L2 over all trainable generator parameters), |g_i|/|g_total|, and the projection share <g_i, g_total>/|g_total|^2 (sums to 1)."""
import argparse, sys
sys.path.insert(0, "/tmp/diag")
from common import *
from ear_vae.params import apply_overrides
from ear_vae.trainer import Trainer, training_batches, step_role, unwrap


def main():
    ap = argparse.ArgumentParser(); ap.add_argument("ckpt"); ap.add_argument("ws_steps", type=int); ap.add_argument("out")
    ap.add_argument("--recipes", nargs="+", default=["sao", "full"]); ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--set", nargs="*", default=[])
    a = ap.parse_args()
    p = apply_overrides(params(), [f"train.warmstart_steps={a.ws_steps}", "train.device=cpu", *a.set])
    out = {}
    for recipe in a.recipes:
        tr = Trainer(p, recipe); tr.start_from_warmstart(a.ckpt)
        gen = unwrap(tr.generator)
        named = [(n, q) for n, q in gen.named_parameters() if q.requires_grad]
        qs = [q for _, q in named]
        groups = {"decoder": [i for i, (n, _) in enumerate(named) if n.startswith("decoder.")],
                  "encoder": [i for i, (n, _) in enumerate(named) if n.startswith("encoder.")],
                  "snake_params": [i for i, (n, _) in enumerate(named) if n.endswith(".alpha") or n.endswith(".beta")]}
        batches = training_batches(p, "/tmp/wt32/data/prepared")
        role = step_role(tr.step, p["train"])
        opt = tr.opt_g; eps = opt.param_groups[0]["eps"]; beta2 = opt.param_groups[0]["betas"][1]
        precond = []
        for q in qs:
            st = opt.state.get(q, {})
            if "exp_avg_sq" in st:
                t_ = float(st["step"]); precond.append(1.0 / ((st["exp_avg_sq"] / (1 - beta2 ** t_)).sqrt() + eps))
            else: precond.append(None)
        has_state = sum(pc is not None for pc in precond)
        acc = {}
        for b in range(a.batches):
            step = tr.step + 2 * b   # the generator's own steps (the discriminator updates on the odd ones)
            x = batches.batch(step)
            torch.manual_seed(1000 + b)
            for adversarial in (True,):
                terms = tr.generator_terms(x, adversarial=role != "generator")
                grads = {}
                for k, v in terms.items():
                    g = torch.autograd.grad(v, qs, retain_graph=True, allow_unused=True)
                    grads[k] = [torch.zeros_like(q) if gi is None else gi for gi, q in zip(g, qs)]
                total = [sum(grads[k][i] for k in grads) for i in range(len(qs))]
                pre = lambda gl: [gi * pc for gi, pc in zip(gl, precond) if pc is not None]
                utot = pre(total); un2 = sum(float(t.pow(2).sum()) for t in utot)
                tn2 = sum(float(t.pow(2).sum()) for t in total)
                for k in grads:
                    n2 = sum(float(t.pow(2).sum()) for t in grads[k])
                    dot = sum(float((gi * ti).sum()) for gi, ti in zip(grads[k], total))
                    r = acc.setdefault(k, {"value": [], "norm": [], "norm_rel": [], "proj_share": [], "cos": [],
                                           **{f"norm_{gname}": [] for gname in groups}})
                    r["value"].append(float(terms[k].detach())); r["norm"].append(n2 ** 0.5); r["norm_rel"].append((n2 / tn2) ** 0.5)
                    r["proj_share"].append(dot / tn2); r["cos"].append(dot / max((n2 * tn2) ** 0.5, 1e-30))
                    ui = pre(grads[k])
                    r.setdefault("adam_norm_rel", []).append((sum(float(t.pow(2).sum()) for t in ui) / un2) ** 0.5)
                    r.setdefault("adam_proj_share", []).append(sum(float((a_ * b_).sum()) for a_, b_ in zip(ui, utot)) / un2)
                    for gname, idx in groups.items():
                        r[f"norm_{gname}"].append(sum(float(grads[k][i].pow(2).sum()) for i in idx) ** 0.5)
                acc.setdefault("_total", {"norm": []})["norm"].append(tn2 ** 0.5)
        summary = {k: {m: float(np.mean(v)) for m, v in d.items()} for k, d in acc.items()}
        out[recipe] = {"role": role, "step": tr.step, "terms": summary}
        print(f"== {recipe} (step {tr.step}, role {role}); total |g| = {summary['_total']['norm']:.4g} (clip {p['train']['grad_clip']})")
        print(f"  (Adam state for {has_state}/{len(qs)} parameter tensors)")
        print(f"  {'term':22s} {'value':>9s} {'|g_i|':>9s} {'|g_i|/|g|':>9s} {'proj':>7s} {'cos':>6s} {'|g_dec|':>9s} {'|g_enc|':>9s} {'adam|u|rel':>10s} {'adam proj':>9s}")
        for k, d in summary.items():
            if k == "_total": continue
            print(f"  {k:22s} {d['value']:9.4f} {d['norm']:9.4g} {d['norm_rel']:9.3f} {d['proj_share']:7.3f} {d['cos']:6.3f} {d['norm_decoder']:9.4g} {d['norm_encoder']:9.4g} {d['adam_norm_rel']:10.3f} {d['adam_proj_share']:9.3f}")
    json.dump(out, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
