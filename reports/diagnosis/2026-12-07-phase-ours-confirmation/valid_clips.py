"""Clips no choice of this project has seen: two 10 s clips of each validation track (centred at 1/3 and 2/3 of it), written
as the test clips are (float WAV, atomically). From the repository root: python valid_clips.py data/prepared OUT"""
import sys, shutil, soundfile as sf
from pathlib import Path
from ear_vae.data import read_manifest
from ear_vae.evaluation import TARGET_RATE, write_float_wav
prepared, out = Path(sys.argv[1]), Path(sys.argv[2])
frames = 10 * TARGET_RATE
tmp = out.with_name(f".{out.name}.tmp"); shutil.rmtree(tmp, ignore_errors=True); tmp.mkdir(parents=True)
for row in sorted(read_manifest(prepared, "valid"), key=lambda r: r["path"]):
    if row["frames"] < 2 * frames: raise SystemExit(f"{row['path']}: {row['frames'] / TARGET_RATE:.1f} s, shorter than two clips")
    for k in (1, 2):
        start = k * row["frames"] // 3 - frames // 2
        audio, _ = sf.read(row["path"], start=start, frames=frames, dtype="float32", always_2d=True)
        write_float_wav(tmp / f"{Path(row['path']).stem}-{k}.wav", audio)
        print(f"{Path(row['path']).stem}-{k}: {start / TARGET_RATE:.1f}-{(start + frames) / TARGET_RATE:.1f} s of {row['frames'] / TARGET_RATE:.1f} s")
shutil.rmtree(out, ignore_errors=True); tmp.rename(out)
