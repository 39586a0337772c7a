"""A short training run on real music learns to reconstruct its input, not an input-independent output.

PyTorch's default start made our short CPU runs collapse to one "average music" output for every input
(see nbs/04_model.ipynb, "Training from scratch"). Here the trainer runs briefly on three real tracks with
the default params' start (`signal_preserving`, biases fixed) and with PyTorch's default start. The measure
is independent of our losses and of the output level (which a short run has not matched yet): the
correlation of each reconstruction's log-mel spectrogram (torchaudio) with its own reference's and with
another track's. A reconstruction must follow its own input more than another track, and be closer to it by auraloss'
Mel distance.
"""
import auraloss
import numpy as np
import pytest
import soundfile as sf
import torch
import torchaudio

from ear_vae.data import prepare_corpus
from ear_vae.trainer import Trainer, tiny_params

SEGMENT = 32768


@pytest.fixture(scope="module")
def real_prepared(real_music_clips, tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    (root / "raw").mkdir()
    for audio, rate, name in real_music_clips:
        sf.write(root / "raw" / f"{name}.wav", audio.astype(np.float32), rate)
    prepare_corpus([str(root / "raw")], root / "prepared", min_seconds=1.0, valid_fraction=0.0, test_fraction=0.0, progress=False)
    return root / "prepared"


def _probe_clips(real_music_clips, count: int = 6) -> torch.Tensor:
    "Crops from the middle of each track, three per track at different places: [count, 2, SEGMENT]."
    crops = []
    for audio, _, _ in real_music_clips:
        for start in np.linspace(len(audio) // 4, 3 * len(audio) // 4, count // len(real_music_clips)).astype(int):
            crops.append(torch.from_numpy(audio[start:start + SEGMENT].T.astype(np.float32)))
    return torch.stack(crops)


def _log_mel(x: torch.Tensor) -> torch.Tensor:
    "Mid-channel log-mel spectrogram [B, 64 x frames], centred per clip."
    mel = torchaudio.transforms.MelSpectrogram(44100, n_fft=2048, hop_length=512, n_mels=64)(x.mean(1))
    s = torch.log10(mel + 1e-8).flatten(1)
    return s - s.mean(1, keepdim=True)


def _own_vs_other_correlation(model, x) -> tuple[float, float]:
    "Mean log-mel correlation of each reconstruction with its own reference and with a clip of another track."
    with torch.no_grad():
        y = model.eval().decode(model.encode(x, sample=False))
    sy, sx = _log_mel(y), _log_mel(x)
    corr = torch.nn.functional.normalize(sy, dim=1) @ torch.nn.functional.normalize(sx, dim=1).T  # [recon, reference]
    per_track = len(x) // 3
    other = corr.roll(-per_track, dims=1)  # reference of the same position in the next track
    return corr.diagonal().mean().item(), other.diagonal().mean().item()


def _own_vs_other_mel(model, x) -> tuple[float, float]:
    "Mean Mel distance (auraloss, the paper's settings) of each reconstruction to its own reference and to another track's."
    mel = auraloss.freq.MelSTFTLoss(44100, fft_size=2048, hop_size=512, win_length=2048, n_mels=128, w_sc=0.0, w_log_mag=1.0, w_lin_mag=1.0)
    with torch.no_grad():
        y = model.eval().decode(model.encode(x, sample=False))
    k = len(x) // 3
    return (np.mean([mel(y[i:i + 1], x[i:i + 1]).item() for i in range(len(x))]),
            np.mean([mel(y[i:i + 1], x[(i + k) % len(x):(i + k) % len(x) + 1]).item() for i in range(len(x))]))


def _train(prepared, out, init: str, train_biases: bool, steps: int = 150):
    params = tiny_params(steps, batch_size=4, segment_samples=SEGMENT, items_per_epoch=400, disc_warmup_steps=10_000,
                         gen_lr=1e-3, checkpoint_every=steps, validate_every=steps)
    params["model"].update(init=init, train_biases=train_biases)
    trainer = Trainer(params, "sao", prepared, out, progress=False)
    trainer.run()
    return trainer.generator


def test_short_training_reconstructs_real_music(real_prepared, real_music_clips, tmp_path):
    x = _probe_clips(real_music_clips)
    ours = _train(real_prepared, tmp_path / "ours", "signal_preserving", False)
    own, other = _own_vs_other_correlation(ours, x)
    own_mel, other_mel = _own_vs_other_mel(ours, x)
    # measured (150 steps, CPU, seed 0): correlation 0.750 own vs 0.713 other track; Mel 1.415 vs 1.462
    assert own > other + 0.02, (own, other)
    assert own_mel < 0.99 * other_mel, (own_mel, other_mel)
    # PyTorch's default start under the same training gives one output for every input (measured: equal to
    # 1e-6), so the criteria above do tell a reconstruction from an input-independent texture
    default = _train(real_prepared, tmp_path / "default", "pytorch", True)
    own_default, other_default = _own_vs_other_correlation(default, x)
    assert abs(own_default - other_default) < 1e-3, (own_default, other_default)
