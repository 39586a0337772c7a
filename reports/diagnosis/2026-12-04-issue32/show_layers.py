"Print the per-layer records of a sine_response json for given (freq, level)."
import json, sys
d = json.load(open(sys.argv[1]))
want = [(float(a.split('@')[0]), float(a.split('@')[1])) for a in sys.argv[2:]]
for r in d["rows"]:
    if (r["freq_hz"], r["level_dbfs"]) not in want: continue
    print(f"=== {r['freq_hz']} Hz {r['level_dbfs']} dBFS: out peak {r['peak_dbfs']:.1f} DC {r['dc_L']:+.4f} fund {r['fundamental_dbfs']:.1f}; latent |DC| {r['latent_mean_abs_dc']:.3f} rms {r['latent_rms']:.3f}")
    for key in ("encoder_snakes", "decoder_snakes"):
        print(f" {key}: layer  ch  T  ac_rms_in  dc_added  dc_added/ac_in  mean_in  a  1/b")
        for s in r[key]:
            print(f"  {s['layer']:38s} {s['channels']:4d} {s['T']:6d} {s['ac_rms_in']:8.3f} {s['dc_added']:+8.4f} {s['dc_added_rel_ac_in']:+7.3f} {s['mean_in']:+8.3f} {s['alpha_mean']:6.2f} {s['inv_beta_mean']:6.2f}")
    print(" decoder blocks (output): |DC| mean_DC ac_rms |DC|/ac")
    for s in r["decoder_blocks"]:
        print(f"  {s['layer']:32s} {s['channels']:4d} {s['abs_dc']:8.4f} {s['mean_dc']:+8.4f} {s['ac_rms']:8.4f} {s['dc_to_ac']:7.3f}")
