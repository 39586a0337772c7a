"""Where the STFT distance's gap to the mono downmix lives: the log-magnitude term of `ear_vae.metrics.stft_distance`
(auraloss, A-weighted, FFT sizes 4096..128, power floor 1e-8) split by frequency band, for a model and for the mono downmix,
on the middle 10 s of every validation recording (the test split is not touched); and, from 2 kHz up, the mid's and
the side's energy re the reference's (dB) and the mid's coherence per octave band (`ear_vae.diagnosis.band_report`).
usage: python bands.py CHECKPOINT        (run from the repository root)"""
import sys
import numpy as np, torch
from ear_vae.checkpoints import load_model
from ear_vae.diagnosis import band_report, validation_clips
from ear_vae.evaluation import mono_downmix_control
from ear_vae.metrics import STFT_FFTS, a_weighted, stft_distance

torch.set_num_threads(1)
EDGES = [0, 2000, 4000, 8000, 12000, 16000, 18000, 20000, 22051]

def log_magnitude_by_band(estimate, reference) -> np.ndarray:
    "auraloss' log-magnitude L1 term, averaged over the resolutions, as the sum of each band's share (the shares add up to the term)."
    shares = []
    for n in STFT_FFTS:
        spec = lambda a: torch.sqrt(torch.clamp(torch.stft(a_weighted(a), n, n // 4, n, torch.hann_window(n), return_complex=True).abs() ** 2, min=1e-8))
        err = (torch.log(spec(reference)) - torch.log(spec(estimate))).abs()   # [channels, bins, frames]
        f = torch.fft.rfftfreq(n, 1 / 44100)
        shares.append([float(err[:, (f >= lo) & (f < hi)].sum() / err.numel()) for lo, hi in zip(EDGES[:-1], EDGES[1:])])
    return np.mean(shares, 0)

model = load_model(sys.argv[1], "cpu")
print(f"{sys.argv[1]}: log-magnitude term by band (kHz) " + " ".join(f"{lo // 1000}-{hi // 1000}" for lo, hi in zip(EDGES[:-1], EDGES[1:])))
for clip_name, x in validation_clips(positions=(0.5,)).items():   # the middle 10 s of every validation recording
    with torch.no_grad(): y = model.reconstruct(x)
    mono = mono_downmix_control(x)
    print(f"{clip_name.removesuffix('@0.5') + '.flac':28.28s} STFT distance: model {stft_distance(y, x):.3f}, mono {stft_distance(mono, x):.3f}")
    for name, estimate in (("model", y), ("mono", mono)):
        parts = log_magnitude_by_band(estimate, x)
        print(f"  {name:5s} log-magnitude {parts.sum():.3f} = " + " + ".join(f"{p:.3f}" for p in parts))
        bands = band_report(estimate, x).query("band_hz >= 2000")
        print(f"  {name:5s} octaves " + " ".join(f"{r.band_hz / 1000:.0f}k: mid {r.mid_error_db:+.1f} dB coh {r.mid_coherence:.2f}, side {r.side_error_db:+.1f} dB;"
                                             for r in bands.itertuples()))
