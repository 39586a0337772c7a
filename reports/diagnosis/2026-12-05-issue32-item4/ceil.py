import torch, glob, soundfile as sf, numpy as np
from ear_vae.dsp import remove_dc
from ear_vae.metrics import evaluate_pair
for W in (4410, 2205, 8820):
    rs=[]
    for f in sorted(glob.glob("/tmp/diag/valid_clips/*.wav")):
        ref = torch.from_numpy(sf.read(f, dtype="float32", always_2d=True)[0].T.copy())
        whole = evaluate_pair(remove_dc(ref, W), ref)
        crops = torch.cat([remove_dc(ref[:, i:i+16384], W) for i in range(0, ref.shape[-1]//16384*16384, 16384)], -1)
        cr = evaluate_pair(crops, ref[:, :crops.shape[-1]])
        rs.append((whole["si_sdr"], cr["si_sdr"], whole["icpc"], cr["icpc"]))
    print(W, np.round(np.mean(rs, 0), 3))
