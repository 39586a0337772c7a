"Measurements for 02_phase's notes on the authors' definitions: the wrap endpoint, the cross-spectrum eps, the gradient at near-empty bins."
import math, sys, torch, soundfile as sf, numpy as np
from ear_vae.phase import authors_phase_derivative_losses, authors_phase_correlation_loss, _stft_uncentred, safe_angle, time_difference, frequency_difference
from ear_vae.losses import ReconstructionLoss
torch.manual_seed(0)
path = sys.argv[1]
a, sr = sf.read(path, frames=44100 * 3, start=44100 * 3, dtype="float32")
x = torch.from_numpy(a.T.copy()).unsqueeze(0)   # [1, 2, T]
print("track", path, "rms dBFS", 20 * math.log10(float(x.pow(2).mean().sqrt())))
def theirs(x_hat, x, n_fft, hop, wrap_it=True):
    "Their stft_torch + PhaseLoss_*: torch.angle (a gradient wherever |X| > 0), then wrap_to_pi (pi -> -pi); wrap_it=False: torch.angle alone."
    wrap = (lambda p: (p + math.pi) % (2 * math.pi) - math.pi) if wrap_it else (lambda p: p)
    ph, p = wrap(torch.angle(_stft_uncentred(x_hat, n_fft, hop))), wrap(torch.angle(_stft_uncentred(x, n_fft, hop)))
    return {"if": (time_difference(ph) - time_difference(p)).abs().mean(), "gd": (frequency_difference(ph) - frequency_difference(p)).abs().mean()}
# 1. the wrap endpoint: values and input gradients, ours vs theirs, a reconstruction = 0.9 x + noise
x_hat = (0.9 * x + 1e-3 * torch.randn_like(x)).requires_grad_()
for n_fft in (2048, 512):
    ours, th = authors_phase_derivative_losses(x_hat, x, n_fft, n_fft // 4), theirs(x_hat, x, n_fft, n_fft // 4)
    angle_only = theirs(x_hat, x, n_fft, n_fft // 4, wrap_it=False)
    diff, diff_angle = {}, {}
    for k in ("if", "gd"):
        g_o, g_t, g_a = (torch.autograd.grad(v[k], x_hat, retain_graph=True)[0] for v in (ours, th, angle_only))
        diff[k], diff_angle[k] = float((g_o - g_t).norm() / g_t.norm()), float((g_o - g_a).norm() / g_a.norm())
    spec = _stft_uncentred(torch.cat([x_hat.detach(), x]), n_fft, n_fft // 4)
    for name, one in (("x_hat", spec[:1]), ("x", spec[1:])):
        moved = ((math.pi + torch.angle(one)) % (2 * math.pi) - math.pi - safe_angle(one)).abs() > 1   # wrap_to_pi moved the angle from pi to -pi
        edge = torch.zeros_like(moved); edge[..., 0, :] = edge[..., -1, :] = True                    # DC and Nyquist: real bins, no input gradient
        interior = moved & ~edge
        print(f"n_fft {n_fft}, {name}: angles wrap_to_pi moves from pi to -pi: {int(moved.sum())} of {moved.numel()} ({float(moved.float().mean()):.3%}), "
              f"{int((moved & edge).sum())} at DC/Nyquist and {int(interior.sum())} inside"
              + (f" (median |X| {float(one.abs()[interior].median()):.1e}; imaginary part exactly 0 at {float((one.imag[interior] == 0).float().mean()):.0%})" if interior.any() else ""))
    print(f"n_fft {n_fft}: bins with power <= 1e-20 (ours: phase 0, no gradient; theirs: a gradient 1/|X|): {float((spec.abs() ** 2 <= 1e-20).float().mean()):.2%}, "
          f"with power in (0, 1e-20]: {float(((spec.abs() ** 2 <= 1e-20) & (spec.abs() > 0)).float().mean()):.2%}; "
          f"input-gradient relative difference of ours from torch.angle alone (no wrap): if {diff_angle['if']:.2e}, gd {diff_angle['gd']:.2e}")
    real = _stft_uncentred(x_hat.detach(), n_fft, n_fft // 4)[..., [0, -1], :].real, _stft_uncentred(x, n_fft, n_fft // 4)[..., [0, -1], :].real
    flips = float(((real[0] < 0) != (real[1] < 0)).float().mean())
    print(f"wrap n_fft {n_fft}: if {ours['if']:.6f} (ours) vs {th['if']:.6f} (theirs), gd {ours['gd']:.6f} vs {th['gd']:.6f}; input-gradient relative "
          f"difference: if {diff['if']:.2e}, gd {diff['gd']:.2e}; DC/Nyquist bins whose sign differs between x_hat and x: {flips:.1%}")
# 2. the cross-spectrum eps: the correlation loss at x_hat = x, scaled
for gain in (1.0, 0.1, 0.01):
    print(f"correlation at x_hat = x, gain {gain}: cross {float(authors_phase_correlation_loss(gain * x, gain * x, 2048, 512, 'cross')):.3f}, "
          f"lr {float(authors_phase_correlation_loss(gain * x, gain * x, 2048, 512, 'lr')):.3f}")
# 3. the gradient near the reference: phase terms vs the magnitude views (the full recipe's terms)
loss = ReconstructionLoss("full")
for noise in (1e-2, 1e-4, 1e-6):
    x_hat = (x + noise * torch.randn_like(x)).requires_grad_()
    _, terms = loss(x_hat, x)
    phase = sum(v for k, v in terms.items() if k.startswith("phase_")); mag = sum(v for k, v in terms.items() if k.startswith("mag") or k.startswith("sc") or "magnitude" in k)
    gp = torch.autograd.grad(phase, x_hat, retain_graph=True)[0].norm(); gm = torch.autograd.grad(mag, x_hat)[0].norm() if torch.is_tensor(mag) else float("nan")
    print(f"x_hat = x + {noise:g} noise: phase terms {float(phase.detach()):.3f} (input-gradient norm {float(gp):.3g}), magnitude terms {float(mag.detach()):.3f} (norm {float(gm):.3g}); terms {sorted(terms)}")
