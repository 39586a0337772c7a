"Compact table of sine_response jsons: peak / DC / DC power share / largest bin / fundamental per (freq, level)."
import json, sys
files = sys.argv[1:]
data = [json.load(open(f)) for f in files]
print("freq  lvl | " + " | ".join(f"{f[:-5]:>34s}" for f in files))
print("          | " + " | ".join(f"{'peak':>6s} {'DC':>7s} {'DC%':>5s} {'bin':>6s} {'fund':>6s}" for f in files))
for i, r in enumerate(data[0]["rows"]):
    cells = []
    for d in data:
        q = d["rows"][i]
        cells.append(f"{q['peak_dbfs']:+6.1f} {(q['dc_L']+q['dc_R'])/2:+7.3f} {100*q['dc_share_of_power']:5.1f} {q['largest_bin_hz']:6.0f} {q['fundamental_dbfs']:+6.1f}")
    print(f"{r['freq_hz']:5.0f} {r['level_dbfs']:+4.0f}| " + " | ".join(cells))
