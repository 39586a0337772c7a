"""Metrics on real music against independent references: ffmpeg's true peak, pyloudnorm's loudness."""
import re
import subprocess

import numpy as np
import pyloudnorm
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
    clips = [torch.tensor(audio[: 10 * rate].T, dtype=torch.float32) for audio, rate, _ in real_music_clips]
    for i, (_, rate, name) in enumerate(real_music_clips):
        estimate, reference = clips[(i + 1) % len(clips)], clips[i]   # another track as the estimate: each side measured on its own audio
        n = min(estimate.shape[-1], reference.shape[-1])
        metrics = evaluate_pair(estimate[:, :n], reference[:, :n])
        for key, audio in (("loudness_estimate", estimate), ("loudness_reference", reference)):
            expected = pyloudnorm.Meter(rate).integrated_loudness(audio[:, :n].double().numpy().T)
            assert abs(metrics[key] - expected) < 0.1, (name, key, metrics[key], expected)


def test_true_peak_distance_matches_ffmpeg(real_music_clips, tmp_path):
    "dbTP distance of one track against another: |TP(estimate) - TP(reference)|, each true peak as ffmpeg's ebur128 reads it."
    (a, rate, name_a), (b, _, name_b) = real_music_clips[:2]
    n = 10 * rate
    for side, audio in (("estimate", a[:n] * 10 ** (-4 / 20)), ("reference", b[:n])):
        sf.write(tmp_path / f"{side}.wav", audio, rate, subtype="FLOAT")
    metrics = evaluate_pair(str(tmp_path / "estimate.wav"), str(tmp_path / "reference.wav"))
    peaks = {side: ffmpeg_true_peak(tmp_path / f"{side}.wav") for side in ("estimate", "reference")}
    assert abs(metrics["true_peak_estimate"] - peaks["estimate"]) < 0.1 and abs(metrics["true_peak_reference"] - peaks["reference"]) < 0.1, (metrics, peaks)
    assert abs(metrics["dbtp_distance"] - abs(peaks["estimate"] - peaks["reference"])) < 0.2, (name_a, name_b, metrics["dbtp_distance"], peaks)


def test_true_peak_of_a_clip_cut_before_its_peak_matches_ffmpeg(real_music_clips, tmp_path):
    """An excerpt that starts 3 samples before its loudest sample (no silence before it): its edge must not ring. Only starts:
    ffmpeg's ebur128 does not read a file's last few samples (its true peak there can lie below the sample peak)."""
    for audio, rate, name in real_music_clips:
        start = max(int(np.abs(audio).max(axis=1).argmax()) - 3, 0)
        clip = audio[start:start + 5 * rate]
        sf.write(tmp_path / "cut.wav", clip, rate, subtype="FLOAT")
        ours, reference = true_peak_db(clip.T), ffmpeg_true_peak(tmp_path / "cut.wav")
        assert abs(ours - reference) < 0.1, (name, start, ours, reference)
    constant = 0.5 * np.ones((44100, 2))   # no music at all: zero padding read -4.9 dBTP here
    sf.write(tmp_path / "constant.wav", constant, 44100, subtype="FLOAT")
    assert abs(true_peak_db(constant.T) - ffmpeg_true_peak(tmp_path / "constant.wav")) < 0.1
