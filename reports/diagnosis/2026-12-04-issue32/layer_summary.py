"Per (freq, level): Snake-beta DC added (encoder / decoder; mean over calls of dc_added and of dc_added/ac_rms_in), latent |DC|, decoder output-block DC."
import json, sys, numpy as np
for f in sys.argv[1:]:
    d = json.load(open(f)); print(f"== {f}")
    print(" freq  lvl | enc: mean dc_added  mean dc/ac | dec: mean dc_added  mean dc/ac  last-snake dc/ac | latent |DC|  rms | out DC  DC% ")
    for r in d["rows"]:
        e, c = r["encoder_snakes"], r["decoder_snakes"]
        print(f"{r['freq_hz']:5.0f} {r['level_dbfs']:+4.0f} | {np.mean([s['dc_added'] for s in e]):17.4f} {np.mean([s['dc_added_rel_ac_in'] for s in e]):11.3f} |"
              f" {np.mean([s['dc_added'] for s in c]):17.4f} {np.mean([s['dc_added_rel_ac_in'] for s in c]):11.3f} {c[-1]['dc_added_rel_ac_in']:16.3f} |"
              f" {r['latent_mean_abs_dc']:11.3f} {r['latent_rms']:5.3f} | {(r['dc_L']+r['dc_R'])/2:+.4f} {100*r['dc_share_of_power']:4.1f}")
