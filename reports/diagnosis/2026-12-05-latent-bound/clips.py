import soundfile as sf, glob, numpy as np, os
os.makedirs("/tmp/s3/valid", exist_ok=True)
for f in sorted(glob.glob("data/prepared/audio/valid/*.flac")):
    x, sr = sf.read(f, dtype="float32", always_2d=True)
    n = len(x)
    for frac in (0.3, 0.7):
        s = int(frac * n) - 5 * sr
        if s < 0: continue
        sf.write(f"/tmp/s3/valid/{os.path.basename(f)[:-5]}_{int(frac*100)}.wav", x[s:s + 10 * sr], sr, subtype="FLOAT")
print(sorted(os.listdir("/tmp/s3/valid")))
