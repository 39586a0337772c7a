"Shared helpers for the issue-32 diagnostics (run with PYTHONPATH=/tmp/wt32, one thread)."
import os
os.environ.setdefault("OMP_NUM_THREADS", "1"); os.environ.setdefault("MKL_NUM_THREADS", "1")
import math, json, time
import numpy as np
import torch
torch.set_num_threads(1)
from ear_vae.params import load_params
from ear_vae.trainer import _build_generator, seed_all
from ear_vae.checkpoints import load_model
from ear_vae.model import SnakeBeta

SR = 44100
PARAMS = "/tmp/wt32/params.yaml"


def params():
    return load_params(PARAMS)


def get_model(source: str):
    "'init' -> demo preset + trainer's init (seed 0); else a checkpoint path."
    if source == "init":
        p = params(); seed_all(p["seed"])
        return _build_generator(p["model"]).eval()
    return load_model(source).eval()


def db(x, floor=1e-12):
    return 20 * math.log10(max(float(x), floor))


def sine(freq, level_db, seconds=1.0, fade=0.05):
    t = np.arange(int(seconds * SR)) / SR
    ramp = np.clip(np.minimum(t, t[::-1]) / fade, 0, 1)
    x = 10 ** (level_db / 20) * np.sin(2 * np.pi * freq * t) * 0.5 * (1 - np.cos(np.pi * ramp))
    return torch.from_numpy(np.stack([x, x]).astype(np.float32))


def response_stats(y: np.ndarray, freq: float, steady=0.8):
    "Stats of a [2, T] response on its steady middle `steady` fraction."
    n = y.shape[-1]; cut = int(n * (1 - steady) / 2)
    y = y[:, cut:n - cut].astype(np.float64)
    peak = np.abs(y).max(); rms = np.sqrt((y ** 2).mean()); dc = y.mean(axis=1)
    win = np.hanning(y.shape[-1])
    spec = np.abs(np.fft.rfft(y * win, axis=-1)).mean(0)
    freqs = np.fft.rfftfreq(y.shape[-1], 1 / SR)
    k = int(np.argmax(spec))
    near = np.abs(freqs - freq) <= 3 * SR / y.shape[-1]
    fund = spec[near].max() * 2 / win.sum()  # amplitude of the fundamental
    ac = y - dc[:, None]
    return {"peak_dbfs": db(peak), "rms_dbfs": db(rms), "dc_L": float(dc[0]), "dc_R": float(dc[1]), "dc_dbfs": db(np.abs(dc).mean()),
            "dc_share_of_power": float((dc ** 2).mean() / max((y ** 2).mean(), 1e-30)),
            "largest_bin_hz": float(freqs[k]), "fundamental_dbfs": db(fund), "ac_rms_dbfs": db(np.sqrt((ac ** 2).mean()))}


class SnakeProbe:
    "Forward hooks on every SnakeBeta of `module`: per call, mean over (batch, time) of input and output per channel."
    def __init__(self, module, prefix=""):
        self.records, self.handles = [], []
        for name, m in module.named_modules():
            if isinstance(m, SnakeBeta):
                self.handles.append(m.register_forward_hook(self._hook(prefix + name)))

    def _hook(self, name):
        def hook(mod, inp, out):
            x = inp[0].detach().double(); y = out.detach().double()
            mi, mo = x.mean((0, 2)), y.mean((0, 2))
            ac_in = (x - x.mean(2, keepdim=True)).pow(2).mean((0, 2)).sqrt()
            ac_out = (y - y.mean(2, keepdim=True)).pow(2).mean((0, 2)).sqrt()
            a = mod.alpha.detach().double().exp(); b = mod.beta.detach().double().exp()
            self.records.append({"layer": name, "channels": x.shape[1], "T": x.shape[2],
                                 "mean_in": float(mi.mean()), "abs_dc_in": float(mi.abs().mean()),
                                 "dc_added": float((mo - mi).mean()),            # sin^2/b >= 0: always >= 0
                                 "dc_added_rel_ac_in": float(((mo - mi) / ac_in.clamp_min(1e-12)).mean()),
                                 "ac_rms_in": float(ac_in.mean()), "ac_rms_out": float(ac_out.mean()),
                                 "alpha_mean": float(a.mean()), "inv_beta_mean": float((1 / b).mean())})
        return hook

    def clear(self): self.records = []

    def remove(self):
        for h in self.handles: h.remove()


class BlockProbe:
    "Forward hooks on the top-level layers of `seq` (nn.Sequential): per layer, mean |DC| per channel and AC RMS of its output."
    def __init__(self, seq, prefix=""):
        self.records, self.handles = [], []
        for i, m in enumerate(seq):
            self.handles.append(m.register_forward_hook(self._hook(f"{prefix}{i}:{type(m).__name__}")))

    def _hook(self, name):
        def hook(mod, inp, out):
            y = out.detach().double(); dc = y.mean(2)
            ac = (y - dc[..., None]).pow(2).mean((0, 2)).sqrt()
            self.records.append({"layer": name, "channels": y.shape[1], "abs_dc": float(dc.abs().mean()), "mean_dc": float(dc.mean()),
                                 "ac_rms": float(ac.mean()), "dc_to_ac": float((dc.abs().mean(0) / ac.clamp_min(1e-12)).mean())})
        return hook

    def clear(self): self.records = []


def dcfree_snake_forward(self, x):
    "Diagnostic Snake-beta variant: x + (sin^2(a x) - its per-channel time mean over the window) / b (no DC added; not causal)."
    a = self.alpha.exp().view(1, -1, 1); b = self.beta.exp().view(1, -1, 1)
    s = torch.sin(x * a).pow(2)
    return x + (s - s.mean(-1, keepdim=True)) / (b + 1e-9)


def set_dcfree(module, on=True):
    "Make every SnakeBeta under `module` DC-free (instance-level forward override), or restore it."
    import types
    for m in module.modules():
        if isinstance(m, SnakeBeta):
            if on: m.forward = types.MethodType(dcfree_snake_forward, m)
            elif "forward" in m.__dict__: del m.forward
    return module
