"""Sine response of a model (init or checkpoint) + per-Snake-beta DC added (decoder and encoder).
usage: python sine_response.py SOURCE OUT.json [--dcblock HZ] [--levels -20 -6]
SOURCE: 'init' (demo preset + signal_preserving init, seed 0) or a checkpoint path."""
import argparse, sys
sys.path.insert(0, "/tmp/diag")
from common import *

FREQS = [100, 250, 500, 1000, 2000, 4000, 6000, 8000, 12000, 16000]


def dc_block(y: torch.Tensor, hz: float) -> torch.Tensor:
    "Zero-phase? no: causal 2nd-order Butterworth high-pass at `hz` along the last axis (scipy.signal.sosfilt), as an output option."
    import scipy.signal
    sos = scipy.signal.butter(2, hz, "highpass", fs=SR, output="sos")
    return torch.from_numpy(scipy.signal.sosfilt(sos, y.double().numpy(), axis=-1).astype(np.float32))


def measure(model, freqs=FREQS, levels=(-20.0, -6.0), seconds=1.0, dcblock=0.0, verbose=True):
    "Sine response rows (with per-layer Snake-beta records) of `model`."
    dec = SnakeProbe(model.decoder, "decoder."); enc = SnakeProbe(model.encoder, "encoder."); blk = BlockProbe(model.decoder.layers, "decoder.layers.")
    rows = []
    for f in freqs:
        for lvl in levels:
            x = sine(f, lvl, seconds)
            T = x.shape[-1] // 1024 * 1024
            x = x[:, :T]
            dec.clear(); enc.clear(); blk.clear()
            with torch.no_grad():
                z = model.encode(x[None], sample=False)
                y = model.decode(z)[0]
            if dcblock: y = dc_block(y, dcblock)
            st = response_stats(y.numpy(), f)
            st_in = response_stats(x.numpy(), f)
            row = {"freq_hz": f, "level_dbfs": lvl, "in_peak_dbfs": st_in["peak_dbfs"], **st,
                   "latent_mean_abs_dc": float(z.mean(-1).abs().mean()), "latent_rms": float(z.pow(2).mean().sqrt()),
                   "decoder_blocks": blk.records, "decoder_snakes": dec.records, "encoder_snakes": enc.records}
            rows.append(row)
            if verbose: print(f"{f:7.0f} Hz {lvl:5.0f} dBFS: peak {st['peak_dbfs']:+6.1f} rms {st['rms_dbfs']:+6.1f} DC {st['dc_L']:+.4f}/{st['dc_R']:+.4f} "
                  f"({100*st['dc_share_of_power']:5.1f}% of power) largest bin {st['largest_bin_hz']:7.1f} Hz fund {st['fundamental_dbfs']:+6.1f} "
                  f"| dec snake DC added sum {sum(r['dc_added'] for r in dec.records):+.3f} enc {sum(r['dc_added'] for r in enc.records):+.3f}", flush=True)
    for p in (dec, enc, blk):
        for h in p.handles: h.remove()
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source"); ap.add_argument("out")
    ap.add_argument("--dcblock", type=float, default=0.0)
    ap.add_argument("--levels", type=float, nargs="+", default=[-20.0, -6.0])
    ap.add_argument("--freqs", type=float, nargs="+", default=FREQS)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--dcfree", choices=["none", "decoder", "encoder", "all"], default="none")
    a = ap.parse_args()
    if a.source.endswith(".pt") and "/probes/" in a.source:   # a probe's state dict (demo preset)
        from ear_vae.model import EarVAE
        model = EarVAE.from_preset("demo"); model.load_state_dict(torch.load(a.source, weights_only=True)); model.eval()
    else: model = get_model(a.source)
    if a.dcfree in ("decoder", "all"): set_dcfree(model.decoder)
    if a.dcfree in ("encoder", "all"): set_dcfree(model.encoder)
    rows = measure(model, a.freqs, a.levels, a.seconds, a.dcblock)
    json.dump({"source": a.source, "dcblock_hz": a.dcblock, "dcfree": a.dcfree, "rows": rows}, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
