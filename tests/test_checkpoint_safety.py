"""A checkpoint is data, never code: a crafted pickle is refused by every path that loads one — `reconstruct` with a
.pt or .pyt, a training run's resume, the weights back from an offline node — and its payload never runs."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from ear_vae.checkpoints import join_weights

EAR_VAE = str(Path(sys.executable).parent / "ear-vae")
REPO = Path(__file__).resolve().parent.parent


class Payload:
    "Unpickling this runs `touch <marker>`: what a crafted checkpoint does."
    def __init__(self, marker): self.marker = str(marker)
    def __reduce__(self): return (os.system, (f"touch {self.marker}",))


def _evil(path: Path, marker: Path) -> Path:
    torch.save({"generator": Payload(marker), "model_config": {}, "step": 1}, path)
    return path


def _cli(*args):
    return subprocess.run([EAR_VAE, *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", ["evil.pt", "evil.pyt"])
def test_reconstruct_refuses_a_crafted_checkpoint(tmp_path, name):
    marker = tmp_path / "payload_ran"
    sf.write(tmp_path / "in.wav", 0.1 * np.random.default_rng(0).standard_normal((44100, 2)), 44100)
    done = _cli("reconstruct", tmp_path / "in.wav", tmp_path / "out.wav", "--checkpoint", _evil(tmp_path / name, marker))
    assert done.returncode == 1 and f"{name}: refused" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not marker.exists() and not (tmp_path / "out.wav").exists()


def test_resume_refuses_a_crafted_checkpoint(tmp_path):
    from ear_vae.data import prepare_corpus
    from ear_vae.testing import write_toy_corpus
    prepare_corpus([str(write_toy_corpus(tmp_path / "toy", tracks=3))], tmp_path / "prep", min_seconds=1.0,
                   valid_fraction=0.0, test_fraction=0.0, progress=False)
    marker = tmp_path / "payload_ran"
    (tmp_path / "run").mkdir()
    _evil(tmp_path / "run" / "checkpoint.pt", marker)
    done = _cli("train", "--params", REPO / "params.yaml", "--recipe", "kw", "--data", tmp_path / "prep", "--out", tmp_path / "run",
                "--set", "train.steps=2", "--set", "train.segment_samples=4096", "--set", "train.device=cpu")
    assert done.returncode == 1 and "checkpoint.pt: refused" in done.stderr, done.stderr
    assert not marker.exists()


def test_offline_weight_parts_refuse_a_crafted_blob(tmp_path):
    marker = tmp_path / "payload_ran"
    _evil(tmp_path / "generators_fp16.pt.part0", marker)
    with pytest.raises(ValueError, match="refused: it is not a checkpoint of plain data"):
        join_weights(tmp_path)
    assert not marker.exists()
