"""Valid-split clips (never test) and the stereo-image / paper-metric scoring of a model vs the mono downmix.
usage: python valid_eval.py SOURCE OUT.json [--quick]   (SOURCE: checkpoint path, 'init', 'mono' or 'identity')"""
import argparse, sys
sys.path.insert(0, "/tmp/diag")
from common import *
import soundfile as sf
from pathlib import Path
from ear_vae.metrics import evaluate_pair, stereo_image_error, si_sdr, ccpc, STEREO_BANDS_HZ

CLIP_DIR = Path("/tmp/diag/valid_clips")
CLIP_SECONDS = 8.0
# (track stem prefix, position as a fraction of the track): 8 clips from the 5 valid tracks
PICKS = [("Deprecation", 0.3), ("Deprecation", 0.7), ("Inevitable", 0.3), ("Inevitable", 0.7), ("Nebula", 0.3), ("Nebula", 0.7),
         ("track15", 0.5), ("track23", 0.5)]


def make_clips():
    CLIP_DIR.mkdir(parents=True, exist_ok=True)
    out = {}
    valid = sorted(Path("/tmp/wt32/data/prepared/audio/valid").glob("*.flac"))
    for prefix, pos in PICKS:
        path = next(p for p in valid if p.name.startswith(prefix + "-"))
        info = sf.info(path); n = int(CLIP_SECONDS * SR)
        start = int((info.frames - n) * pos)
        audio, _ = sf.read(path, start=start, frames=n, dtype="float32", always_2d=True)
        name = f"{prefix}_{int(pos*100)}"
        f = CLIP_DIR / f"{name}.wav"
        if not f.exists(): sf.write(f, audio, SR, subtype="FLOAT")
        out[name] = torch.from_numpy(np.ascontiguousarray(audio.T))
    return out


def band_stats(y: torch.Tensor, n_fft=2048):
    "Per octave band (STEREO_BANDS_HZ) mid and side energy of [2, T]."
    m, s = (y[0] + y[1]) / 2, (y[0] - y[1]) / 2
    win = torch.hann_window(n_fft, dtype=torch.float64)
    M = torch.stft(m.double(), n_fft, n_fft // 4, window=win, return_complex=True).abs().pow(2)
    S = torch.stft(s.double(), n_fft, n_fft // 4, window=win, return_complex=True).abs().pow(2)
    freqs = torch.fft.rfftfreq(n_fft, 1 / SR, dtype=torch.float64)
    out = {}
    for c in STEREO_BANDS_HZ:
        band = (freqs >= c / 2 ** 0.5) & (freqs < c * 2 ** 0.5)
        out[c] = (float(M[band].sum()), float(S[band].sum()))
    return out


def lr_corr(y):
    y = y.double(); l, r = y[0] - y[0].mean(), y[1] - y[1].mean()
    return float((l * r).sum() / ((l * l).sum() * (r * r).sum()).sqrt().clamp_min(1e-30))


def side_to_mid_db(y):
    m, s = (y[0] + y[1]) / 2, (y[0] - y[1]) / 2
    return 10 * math.log10(max(float(s.double().pow(2).sum()), 1e-30) / max(float(m.double().pow(2).sum()), 1e-30))


def score_pair(est, ref, full=True):
    row = {}
    if full:
        ev = evaluate_pair(est, ref)
        row.update({k: ev[k] for k in ("mel_distance", "stft_distance", "si_sdr", "icpc", "ccpc")})
    else:
        row["si_sdr"] = si_sdr(est, ref); row["ccpc"] = ccpc(est, ref)
    row["stereo_image_error"] = stereo_image_error(est, ref)
    row["lr_corr_in"], row["lr_corr_out"] = lr_corr(ref), lr_corr(est)
    row["s2m_in_db"], row["s2m_out_db"] = side_to_mid_db(ref), side_to_mid_db(est)
    row["s2m_err_db"] = row["s2m_out_db"] - row["s2m_in_db"]
    row["dc_out"] = float(est.double().mean(-1).abs().mean()); row["dc_in"] = float(ref.double().mean(-1).abs().mean())
    row["rms_gain_db"] = 10 * math.log10(float(est.double().pow(2).mean()) / float(ref.double().pow(2).mean()))
    bi, bo = band_stats(ref), band_stats(est)
    bands = {}
    for c in STEREO_BANDS_HZ:
        (mi, si), (mo, so) = bi[c], bo[c]
        d = lambda a, b: 10 * math.log10(max(a, 1e-30) / max(b, 1e-30))
        bands[c] = {"mid_err_db": d(mo, mi), "side_err_db": d(so, si), "s2m_in_db": d(si, mi), "s2m_out_db": d(so, mo)}
    row["bands"] = bands
    return row


def model_fn(source, dcblock=0.0, dcfree="none"):
    if source == "mono": return lambda x: ((x[0] + x[1]) / 2).expand(2, -1).clone()
    if source == "identity": return lambda x: x.clone()
    if isinstance(source, str) and source.endswith(".pt") and "/probes/" in source:
        from ear_vae.model import EarVAE
        model = EarVAE.from_preset("demo"); model.load_state_dict(torch.load(source, weights_only=True)); model.eval()
    else: model = get_model(source) if isinstance(source, str) else source.eval()
    if dcfree in ("encoder", "all"): set_dcfree(model.encoder)
    if dcfree in ("decoder", "all"): set_dcfree(model.decoder)
    def f(x):
        with torch.no_grad(): y = model.reconstruct(x, chunk_seconds=10.0, overlap_seconds=1.0).float()
        if dcblock:
            from sine_response import dc_block
            y = dc_block(y, dcblock)
        return y
    return f


def summarise(rows):
    keys = [k for k in rows[0] if k not in ("bands", "clip")]
    mean = {k: float(np.mean([r[k] for r in rows])) for k in keys}
    mean["bands"] = {str(c): {k: float(np.mean([r["bands"][c][k] for r in rows])) for k in rows[0]["bands"][c]} for c in STEREO_BANDS_HZ}
    return mean


def evaluate(source, full=True, dcblock=0.0, dcfree="none"):
    clips = make_clips(); f = model_fn(source, dcblock, dcfree)
    rows = []
    for name, x in clips.items():
        y = f(x)
        rows.append({"clip": name, **score_pair(y, x, full)})
    return rows, summarise(rows)


def print_summary(label, m):
    keys = [k for k in ("mel_distance", "stft_distance", "icpc", "ccpc", "si_sdr", "stereo_image_error", "lr_corr_in", "lr_corr_out",
                        "s2m_in_db", "s2m_out_db", "s2m_err_db", "dc_out", "rms_gain_db") if k in m]
    print(label, " ".join(f"{k}={m[k]:.4g}" for k in keys))
    print("  band  mid_err  side_err  s2m_in  s2m_out")
    for c, b in m["bands"].items():
        print(f"  {c:>5} {b['mid_err_db']:+7.2f} {b['side_err_db']:+8.2f} {b['s2m_in_db']:+7.2f} {b['s2m_out_db']:+8.2f}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("source"); ap.add_argument("out"); ap.add_argument("--quick", action="store_true"); ap.add_argument("--dcblock", type=float, default=0.0); ap.add_argument("--dcfree", default="none")
    a = ap.parse_args()
    t0 = time.time()
    rows, m = evaluate(a.source, full=not a.quick, dcblock=a.dcblock, dcfree=a.dcfree)
    json.dump({"source": a.source, "rows": rows, "mean": m, "seconds": time.time() - t0}, open(a.out, "w"), indent=1, default=str)
    print_summary(a.source, m); print(f"({time.time()-t0:.1f} s)")
