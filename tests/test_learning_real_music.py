"""A short training run on real music learns to reconstruct its input, not an input-independent output.

PyTorch's default start made our short CPU runs collapse to one "average music" output for every input
(see nbs/04_model.ipynb, "Training from scratch"). Here the trainer runs briefly on three real tracks with
the default params' start (`signal_preserving`, biases fixed). The measure
is independent of our losses and of the output level (which a short run has not matched yet): the
correlation of each reconstruction's log-mel spectrogram (torchaudio) with its own reference's and with
another track's. A reconstruction must follow its own input more than another track, and be closer to it by auraloss'
Mel distance. And the training must be what made it so: the signal-preserving start already follows its input a little
(nbs/04_model.ipynb), so the same generator before its first step is scored too, and the trained one must beat it clearly.
"""
import copy
import numpy as np
import pytest
import soundfile as sf
import torch
import torchaudio

from ear_vae.data import prepare_corpus
from ear_vae.metrics import mel_distance
from ear_vae.model import EarVAE
from ear_vae.trainer import Trainer, Until, fit, training_batches
from ear_vae.testing import tiny_params

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
    "Crops from the middle half of each track, `count` / tracks per track at different places: [count, 2, SEGMENT]."
    assert count % len(real_music_clips) == 0, (count, len(real_music_clips))
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


def _reconstruct(model, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model.eval().decode(model.encode(x, sample=False))


def _other_track(x: torch.Tensor) -> torch.Tensor:
    "The references shifted by one track: clip i paired with the clip at the same place in the next track."
    return x.roll(-(len(x) // 3), dims=0)


def _own_vs_other_correlation(y, x) -> tuple[float, float]:
    "Mean log-mel correlation of each reconstruction with its own reference and with another track's."
    sy, sx, so = (torch.nn.functional.normalize(_log_mel(a), dim=1) for a in (y, x, _other_track(x)))
    return (sy * sx).sum(1).mean().item(), (sy * so).sum(1).mean().item()


def _own_vs_other_mel(y, x) -> tuple[float, float]:
    "Mean Mel distance (`ear_vae.metrics.mel_distance`: auraloss at the paper's settings) to the own and another track's reference."
    other = _other_track(x)
    return (np.mean([mel_distance(y[i], x[i]) for i in range(len(x))]), np.mean([mel_distance(y[i], other[i]) for i in range(len(x))]))


def _train(prepared, out, init: str, train_biases: bool, steps: int = 150):
    "The generator before its first step and after `steps` steps: (untrained, trained)."
    params = tiny_params(steps, batch_size=4, segment_samples=SEGMENT, items_per_epoch=400, disc_warmup_steps=10_000,
                         gen_lr=1e-3, checkpoint_every=steps, validate_every=steps)
    params = params.replace(model=params.model.replace(init=init, train_biases=train_biases))
    trainer = Trainer(params, "sao")
    untrained = copy.deepcopy(trainer.generator)
    fit(trainer, training_batches(params, prepared).stream(), Until(steps=steps))
    return untrained, trainer.generator


def test_short_training_reconstructs_real_music(real_prepared, real_music_clips, tmp_path):
    x = _probe_clips(real_music_clips)
    untrained, trained = _train(real_prepared, tmp_path / "ours", "signal_preserving", False)
    y = _reconstruct(trained, x)
    own, other = _own_vs_other_correlation(y, x)
    own_mel, other_mel = _own_vs_other_mel(y, x)
    # measured (150 steps, CPU, seed 0): correlation 0.750 own vs 0.713 other track; Mel 1.85 vs 2.77
    assert own > other + 0.02, (own, other)
    assert own_mel < 0.99 * other_mel, (own_mel, other_mel)
    # the training did it: before its first step the same generator passes both checks above (correlation -0.466 own vs
    # -0.530 other, Mel 2.98 vs 3.31: the signal-preserving start follows its input), but its own Mel distance is 2.98
    # against the trained 1.85 and its log-mel correlation -0.47 against 0.75. A trainer whose steps did not learn fails here.
    y_start = _reconstruct(untrained, x)
    (start_own, _), (start_mel, _) = _own_vs_other_correlation(y_start, x), _own_vs_other_mel(y_start, x)
    assert own_mel < 0.8 * start_mel and own > start_own + 0.5, ((own_mel, start_mel), (own, start_own))
    # the criteria tell a reconstruction from an input-independent output: PyTorch's default start, untrained, gives one
    # output for (almost) every input (nbs/04_model.ipynb; after 150 steps of training it still did, equal to 1e-6) and
    # scores own = other (measured on the paper's 1024x shape at the demo's width, `demo1024`: differences of 7e-6 to 3e-4 for
    # seeds 0-2), far from the trained gap of ~0.04. (The 128x demo's default start passes a little of its input: 0.0027.)
    torch.manual_seed(0)
    own_default, other_default = _own_vs_other_correlation(_reconstruct(EarVAE.from_preset("demo1024"), x), x)
    assert abs(own_default - other_default) < 1e-3, (own_default, other_default)
