"Table of the probes (probes/*.json) vs the mono downmix (valid_mono.json) and the CLI warm starts."
import json, glob, numpy as np
mono = json.load(open("/tmp/diag/valid_mono.json"))["mean"]
cols = ("mel_distance", "stft_distance", "icpc", "ccpc", "si_sdr", "stereo_image_error", "lr_corr_out", "s2m_err_db", "dc_out")
def sine_cols(s):
    hi = [r for r in s if r["level_dbfs"] == -6]
    return (max(r["peak_dbfs"] for r in hi), float(np.mean([abs(r["dc_L"] + r["dc_R"]) / 2 for r in hi])),
            float(np.mean([r["fundamental_dbfs"] - r["in_peak_dbfs"] for r in hi if r["freq_hz"] >= 1000])))
print("| probe | steps | train s | " + " | ".join(cols) + " | sine −6 dBFS: max peak dBFS | mean |DC| | fund. re input ≥1 kHz (dB) |")
print("|---|---|---|" + "---|" * (len(cols) + 3))
print("| mono downmix | – | – | " + " | ".join(f"{mono[c]:.3f}" for c in cols) + " | – | – | – |")
for name, f in (("CLI warm start 800 steps (ws800)", "/tmp/diag/valid_ws800.json"), ("CLI warm start 300 steps (ws0)", "/tmp/diag/valid_ws0.json")):
    try: m = json.load(open(f))["mean"]
    except FileNotFoundError: continue
    sf = {"/tmp/diag/valid_ws800.json": "/tmp/diag/sine_ws800.json", "/tmp/diag/valid_ws0.json": "/tmp/diag/sine_ws0.json"}[f]
    pk, dc, fu = sine_cols(json.load(open(sf))["rows"])
    print(f"| {name} | – | – | " + " | ".join(f"{m[c]:.3f}" for c in cols) + f" | {pk:+.1f} | {dc:.3f} | {fu:+.1f} |")
for f in sorted(glob.glob("/tmp/diag/probes/*.json"), key=lambda p: json.load(open(p))["train_seconds"] * 0 + len(p)):
    d = json.load(open(f)); m = d["mean"]
    pk, dc, fu = sine_cols(d["sines"])
    print(f"| {d['name']} | {d['steps']} | {d['train_seconds']:.0f} | " + " | ".join(f"{m[c]:.3f}" for c in cols) + f" | {pk:+.1f} | {dc:.3f} | {fu:+.1f} |")
