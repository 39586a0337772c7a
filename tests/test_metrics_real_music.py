"""Metrics on real music against independent references: ffmpeg's true peak, pyloudnorm's loudness."""
import re
import subprocess

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
import torch

from ear_vae.metrics import evaluate_pair, true_peak_db


def ffmpeg_true_peak(path):
    done = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-filter_complex", "ebur128=peak=true",
                           "-f", "null", "-"], capture_output=True, text=True, check=True)
    summary = done.stderr[done.stderr.rindex("Summary:"):]
    return float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))


def test_true_peak_matches_ffmpeg(real_music_clips, tmp_path):
    for audio, rate, name in real_music_clips:
        clip = audio[: 10 * rate]
        for gain_db in (0.0, -6.0):
            path = tmp_path / f"{name}_{gain_db}.wav"
            sf.write(path, clip * 10 ** (gain_db / 20), rate, subtype="FLOAT")
            ours, reference = true_peak_db(clip.T * 10 ** (gain_db / 20)), ffmpeg_true_peak(path)
            assert abs(ours - reference) < 0.1, (name, gain_db, ours, reference)


def test_loudness_matches_pyloudnorm(real_music_clips):
    for audio, rate, name in real_music_clips:
        clip = torch.tensor(audio[: 10 * rate].T, dtype=torch.float32)
        metrics = evaluate_pair(clip, clip)
        reference = pyloudnorm.Meter(rate).integrated_loudness(clip.double().numpy().T)
        assert abs(metrics["loudness_reference"] - reference) < 0.1, (name, metrics["loudness_reference"], reference)
