"""The authors' phase-derivative terms bin by bin, for tests that compare them where the angle is defined
(`tests/test_cuda.py`'s CPU-vs-CUDA parity); `tests/test_phase_bins.py` checks on the CPU that they add up to the recipe's terms."""
import torch

from ear_vae.losses import ReconstructionLoss
from ear_vae.phase import _stft_uncentred, authors_wrap, frequency_difference, safe_angle, time_difference
from ear_vae.spectral import mslr


def phase_differences(loss: ReconstructionLoss, x_hat: torch.Tensor, x: torch.Tensor) -> list:
    "Per resolution: the authors' per-bin IF and GD errors |d(phase_hat) - d(phase)| and where the angle is defined (energy, not DC/Nyquist)."
    w_hat, w = loss.weighting(x_hat), loss.weighting(x)
    if loss.config["phase_views"] == "mslr": w_hat, w = mslr(w_hat), mslr(w)
    out = []
    for r in loss.phase_resolutions:
        spec_hat, spec = _stft_uncentred(w_hat, r.n_fft, r.hop), _stft_uncentred(w, r.n_fft, r.hop)
        ph_hat, ph = authors_wrap(safe_angle(spec_hat)), authors_wrap(safe_angle(spec))   # as the recipe: their wrap_to_pi
        magnitude = torch.minimum(spec_hat.abs(), spec.abs())
        defined = magnitude > 1e-3 * spec.abs().amax()            # above -60 dB of the reference's peak
        defined[..., [0, -1], :] = False                          # DC and Nyquist bins are real: their angle is 0 or +-pi by a rounding's sign
        out.append({"if": ((time_difference(ph_hat) - time_difference(ph)).abs(), defined[..., 1:] & defined[..., :-1]),
                    "gd": ((frequency_difference(ph_hat) - frequency_difference(ph)).abs(), defined[..., 1:, :] & defined[..., :-1, :])})
    return out


def authors_phase_recipes() -> list[str]:
    "The recipes whose phase terms are the authors' (the ones `phase_differences` decomposes)."
    from ear_vae.losses import RECIPES
    return [r for r in RECIPES if ReconstructionLoss(r).config["phase"] and ReconstructionLoss(r).config["phase_style"] == "authors"]


def terms_from_bins(loss: ReconstructionLoss, bins: list) -> dict:
    "The recipe's weighted `phase_if` and `phase_gd` from per-bin errors: the mean per resolution, averaged, weighted (x2 for the MSLR views)."
    weights = {"if": loss.config["w_if"], "gd": loss.config["w_gd"]}
    scale = 2.0 if loss.config["phase_views"] == "mslr" else 1.0
    return {f"phase_{name}": loss.config["phase_weight"] * weights[name] * scale * sum(b[name][0].mean() for b in bins) / len(bins)
            for name in ("if", "gd") if weights[name]}
