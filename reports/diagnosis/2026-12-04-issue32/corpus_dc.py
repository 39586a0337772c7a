"DC offset (mean) and sub-20 Hz energy of every prepared track, per split."
import sys; sys.path.insert(0, "/tmp/diag")
from common import *
import soundfile as sf, csv, scipy.signal
from pathlib import Path
root = Path("/tmp/wt32/data/prepared")
rows = list(csv.DictReader(open(root / "manifest.csv")))
sos = scipy.signal.butter(4, 20, "lowpass", fs=SR, output="sos")
out = []
for r in rows:
    if r["split"] == "test": continue   # never look at the test split
    x, sr = sf.read(root / r["path"], dtype="float32", always_2d=True)
    x = x.astype(np.float64)
    dc = x.mean(0); rms = np.sqrt((x ** 2).mean())
    lo = scipy.signal.sosfiltfilt(sos, x - dc, axis=0); lo_rms = np.sqrt((lo ** 2).mean())
    # DC of 0.37 s crops (the training segment): how often is |crop mean| > 0.02
    n = 16384; crops = x[: len(x) // n * n].reshape(-1, n, 2).mean(1)
    out.append({"split": r["split"], "track": Path(r["path"]).stem, "source": r["source"].split("/")[3], "seconds": len(x) / SR,
                "dc_L": float(dc[0]), "dc_R": float(dc[1]), "rms": float(rms), "dc_to_rms_db": db(np.abs(dc).mean() / rms),
                "sub20_to_rms_db": db(lo_rms / rms), "crops_absdc_gt_0.02": float((np.abs(crops) > 0.02).any(1).mean())})
    o = out[-1]
    print(f"{o['split']:5s} {o['track'][:28]:28s} {o['source'][:22]:22s} {o['seconds']:6.1f}s DC {o['dc_L']:+.4f}/{o['dc_R']:+.4f} rms {o['rms']:.3f} DC/rms {o['dc_to_rms_db']:+6.1f} dB sub20/rms {o['sub20_to_rms_db']:+6.1f} dB crops|DC|>0.02 {o['crops_absdc_gt_0.02']:.2f}", flush=True)
json.dump(out, open("/tmp/diag/corpus_dc.json", "w"), indent=1)
tr = [o for o in out if o["split"] == "train"]
w = sum(o["seconds"] for o in tr)
print("train: seconds-weighted share of crops with |DC|>0.02:", sum(o["seconds"] * o["crops_absdc_gt_0.02"] for o in tr) / w)
for src in sorted({o["source"] for o in tr}):
    s = [o for o in tr if o["source"] == src]
    print(src, "tracks", len(s), "minutes %.1f" % (sum(o["seconds"] for o in s) / 60), "mean |DC| %.4f" % np.mean([abs(o["dc_L"]) + abs(o["dc_R"]) for o in s]) )
