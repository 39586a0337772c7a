"""The same weights with and without the frame bound: the sine response (1, 2 and 6 kHz, as in nbs/14_diagnosis, at -20 and -6 dBFS) of every
variant's seed 0; how much of a loud 1 kHz tone's latent leaves the range seen in training; the narrowest channel's
half-width against the median, over every model. Run from the repository root: python unbounded.py > unbounded.log"""
import glob, torch
from ear_vae.checkpoints import load_model
from ear_vae.diagnosis import sine_response, _model_process
from ear_vae.thd import sine_stimulus
torch.set_num_threads(1)
FREQS, LEVELS = (1000.0, 2000.0, 6000.0), (-20.0, -6.0)   # as nbs/14_diagnosis (reports/diagnosis/2026-12-05-pipeline)
print("model            f_Hz  level  gain_bounded  gain_unbounded  (dB; fundamental out - level in)")
for variant in ("sao", "kw", "phase", "full", "full_phase_mslr", "phase_ours"):
    m = load_model(f"models/{variant}/seed0/model.pyt", "cpu").eval()
    bounded = sine_response(_model_process(m), FREQS, LEVELS)
    bound, m.latent_range = m.latent_range, None   # the bound off: the raw posterior mean reaches the decoder
    unbounded = sine_response(_model_process(m), FREQS, LEVELS); m.latent_range = bound
    for (_, b), (_, u) in zip(bounded.iterrows(), unbounded.iterrows()):
        print(f"{variant + '/seed0':16s} {b.frequency_hz:5.0f} {b.level_dbfs:6.0f}  {b.gain_db:+12.2f}  {u.gain_db:+14.2f}", flush=True)
print("\nmodel                  values_outside_range  frames_beyond_edge  (1 kHz at -6 dBFS)   narrowest_half_width/median")
for path in sorted(glob.glob("models/**/checkpoint.pt", recursive=True)):
    m = load_model(path, "cpu").eval(); r = m.latent_range
    with torch.no_grad():
        x = sine_stimulus(1000.0, -6.0)[None]
        mean = m.encoder(x[..., : x.shape[-1] // m.downsampling_ratio * m.downsampling_ratio])   # [1, 2C, T]: the posterior mean is the first half of the channels
        mean = mean[:, : mean.shape[1] // 2]
    outside = ((mean < r.low[:, None]) | (mean > r.high[:, None])).float().mean().item()
    beyond = (r.frame_deviation(mean) > 1).float().mean().item()
    half = (r.high - r.low) / 2
    print(f"{path.split('models/')[1].rsplit('/', 1)[0]:22s} {100 * outside:20.1f}% {100 * beyond:18.1f}%   {(half.min() / half.median()).item():28.2f}", flush=True)
