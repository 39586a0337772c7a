"""The ear-vae command: reconstruct any format and length; bad input is one line on stderr, a non-zero exit, no output file."""
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from ear_vae.model import EarVAE

EAR_VAE = str(Path(sys.executable).parent / "ear-vae")


def run(*args):
    return subprocess.run([EAR_VAE, *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def demo_checkpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ckpt")
    torch.manual_seed(0)
    EarVAE.from_preset("demo").save_official(folder / "model.pyt")
    return folder / "model.pyt"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    rng = np.random.default_rng(0)
    sf.write(folder / "stereo_44k.flac", 0.1 * rng.standard_normal((44100 * 2 + 123, 2)), 44100)
    sf.write(folder / "mono_48k.wav", 0.1 * rng.standard_normal((48000, 1)), 48000)
    sf.write(folder / "stereo_22k.ogg", 0.1 * rng.standard_normal((22050, 2)), 22050)
    mp3 = folder / "from_ffmpeg.mp3"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(folder / "mono_48k.wav"), str(mp3)], check=True)
    return folder


@pytest.mark.parametrize("name,seconds", [("stereo_44k.flac", (44100 * 2 + 123) / 44100), ("mono_48k.wav", 1.0),
                                          ("stereo_22k.ogg", 1.0), ("from_ffmpeg.mp3", None)])
def test_reconstruct_any_format_and_length(demo_checkpoint, inputs, tmp_path, name, seconds):
    out = tmp_path / "out.wav"
    done = run("reconstruct", inputs / name, out, "--checkpoint", demo_checkpoint, "--device", "cpu", "--chunk-seconds", "0.5")
    assert done.returncode == 0, done.stderr
    info = sf.info(out)
    assert (info.samplerate, info.channels) == (44100, 2)
    if seconds is not None:
        assert abs(info.frames - round(seconds * 44100)) <= 1


def test_reconstruct_with_a_training_checkpoint(inputs, tmp_path):
    from ear_vae.data import prepare_corpus
    from ear_vae.trainer import Trainer, tiny_params, write_toy_corpus
    prepare_corpus([str(write_toy_corpus(tmp_path / "toy"))], tmp_path / "prep", min_seconds=1.0,
                   valid_fraction=0.0, test_fraction=0.0, progress=False)
    Trainer(tiny_params(2), "kw", tmp_path / "prep", tmp_path / "run", progress=False).run()
    done = run("reconstruct", inputs / "mono_48k.wav", tmp_path / "o.flac", "--checkpoint", tmp_path / "run" / "checkpoint.pt")
    assert done.returncode == 0, done.stderr
    assert sf.info(tmp_path / "o.flac").channels == 2


def test_bad_input_is_one_line_and_leaves_no_file(demo_checkpoint, inputs, tmp_path):
    junk = tmp_path / "junk.pyt"
    junk.write_text("not a checkpoint")
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(demo_checkpoint, bare / "model.pyt")  # no model_config.json beside it: the paper config is assumed
    text_wav = tmp_path / "text.wav"
    text_wav.write_text("hello")
    cases = [
        ((tmp_path / "missing.wav", "--checkpoint", demo_checkpoint), "input file not found"),
        ((text_wav, "--checkpoint", demo_checkpoint), "unreadable audio"),
        ((inputs / "mono_48k.wav", "--checkpoint", tmp_path / "none.pyt"), "checkpoint not found"),
        ((inputs / "mono_48k.wav", "--checkpoint", junk), "not a readable PyTorch checkpoint"),
        ((inputs / "mono_48k.wav", "--checkpoint", bare / "model.pyt"), "does not match the model config"),
    ]
    for args, message in cases:
        out = tmp_path / "out.wav"
        done = run("reconstruct", args[0], out, *args[1:])
        assert done.returncode == 1, (message, done.stderr)
        assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert not out.exists() and not list(tmp_path.glob(".out.wav*")), message


def test_evaluate_command(inputs, tmp_path):
    (tmp_path / "est").mkdir()
    shutil.copy(inputs / "stereo_44k.flac", tmp_path / "est" / "stereo_44k.wav")
    done = run("evaluate", tmp_path / "est", inputs, "--out", tmp_path / "m.csv")
    assert done.returncode == 0, done.stderr
    assert "si_sdr" in done.stdout and (tmp_path / "m.csv").is_file()
