"Per-octave mid/side energy error and side-to-mid in/out (dB), means over the valid clips, for several result files."
import json, sys
srcs = sys.argv[1:]
data = []
for s in srcs:
    d = json.load(open(s)); data.append(d["mean"])
print("| band Hz | s2m in | " + " | ".join(f"{s.split('/')[-1][:-5]}: mid err / side err / s2m out" for s in srcs) + " |")
print("|---|---|" + "---|" * len(srcs))
for c in data[0]["bands"]:
    b0 = data[0]["bands"][c]
    print(f"| {c} | {b0['s2m_in_db']:+.1f} | " + " | ".join(f"{m['bands'][c]['mid_err_db']:+.1f} / {m['bands'][c]['side_err_db']:+.1f} / {m['bands'][c]['s2m_out_db']:+.1f}" for m in data) + " |")
