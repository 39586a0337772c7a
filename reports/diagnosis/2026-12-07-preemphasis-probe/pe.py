"""Issue 32, item 3: a pre-emphasised waveform L1 in the warm start.
The warm start's waveform term, L1 of (x_hat - x), is ruled by the bass, where music's energy is; above 4 kHz the
models' mid is short and incoherent. Here the term is L1 of the error after a first-order pre-emphasis,
e[n] - c e[n-1] (about +10 dB at 4 kHz against 1 kHz for c = 0.9), so the top band's waveform counts more.
Runs ../2026-12-07-posterior-noise-probe/noise.py (the lr probe's warm start, batches, validation clips and scoring, plus the
latent's statistics) with `ear_vae.losses.WarmStartLoss`'s waveform term replaced for this process only.
With plain_weight=W the plain L1 stays beside it at weight W (the pre-emphasised one at `loss.waveform_weight`).
usage (from the repository root): python pe.py OUT.json STEPS EVERY COEFFICIENT [plain_weight=W] [KEY=VALUE ...]"""
import runpy, sys
from pathlib import Path
import ear_vae.losses
from ear_vae.kweighting import at_least_float32

def preemphasised_l1(coefficient: float, plain_weight: float = 0.0):
    "A `WarmStartLoss.forward` whose waveform term is the L1 of the pre-emphasised error (+ `plain_weight` x the plain L1)."
    def forward(self, x_hat, x):
        x_hat, x = at_least_float32(x_hat), at_least_float32(x)
        e = x_hat - x
        terms = {"waveform_l1": self.waveform_weight * (e[..., 1:] - coefficient * e[..., :-1]).abs().mean()
                 + plain_weight * e.abs().mean(), "mel": self.mel_weight * self.mel(x_hat, x)}
        if self.stft is not None: terms["sao_stft"] = self.stft_weight * self.stft(x_hat, x)[0]
        return sum(terms.values()), terms
    return forward

if __name__ == "__main__":
    coefficient, rest = float(sys.argv[4]), sys.argv[5:]
    plain = [float(a.split("=")[1]) for a in rest if a.startswith("plain_weight=")]
    ear_vae.losses.WarmStartLoss.forward = preemphasised_l1(coefficient, plain[0] if plain else 0.0)
    noise = Path(__file__).resolve().parent.parent / "2026-12-07-posterior-noise-probe" / "noise.py"
    sys.argv = [str(noise), *sys.argv[1:4], *[a for a in rest if not a.startswith("plain_weight=")]]
    runpy.run_path(str(noise), run_name="__main__")
