"The authors' correlation loss at x_hat = x (it should be 0) on 3 s of a test clip, three levels: their eps 1e-8 and 1e-16, cross-spectra and channels."
import sys, torch, soundfile as sf
from ear_vae.phase import authors_phase_correlation_loss
a, sr = sf.read(sys.argv[1], frames=44100 * 3, start=44100 * 3, dtype="float32")
x = torch.from_numpy(a.T.copy()).unsqueeze(0)
for gain in (1.0, 0.1, 0.01):
    print(f"gain {gain:5}: " + ", ".join(f"{spectra} eps {eps:g} {float(authors_phase_correlation_loss(gain * x, gain * x, 2048, 512, spectra, eps)):.4f}"
                                          for spectra in ("cross", "lr") for eps in (1e-8, 1e-16)))
