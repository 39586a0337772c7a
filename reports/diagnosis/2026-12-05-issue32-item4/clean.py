import soundfile as sf, numpy as np, torch, glob, os, shutil
from ear_vae.dsp import remove_dc
src, dst = "/work/main/data/prepared", "/tmp/p4/prepared"
shutil.rmtree(dst, ignore_errors=True); os.makedirs(dst)
shutil.copy(f"{src}/manifest.csv", dst)
for f in glob.glob(f"{src}/audio/*/*.flac"):
    x, sr = sf.read(f, dtype="float32", always_2d=True)
    y = remove_dc(torch.from_numpy(x.T.copy()), 4410).numpy().T
    out = f.replace(src, dst); os.makedirs(os.path.dirname(out), exist_ok=True); sf.write(out, y, sr, subtype="PCM_16" if sf.info(f).subtype == "PCM_16" else sf.info(f).subtype)
os.makedirs("/tmp/p4/valid_clips", exist_ok=True)
for f in glob.glob("/tmp/diag/valid_clips/*.wav"):
    x, sr = sf.read(f, dtype="float32", always_2d=True)
    sf.write(f.replace("/tmp/diag/", "/tmp/p4/"), remove_dc(torch.from_numpy(x.T.copy()), 4410).numpy().T, sr, subtype="FLOAT")
print("done")
