"""Shared fixtures: real music from the Debian archive (fetched once, cached in ~/.cache/ear_vae)."""
import numpy as np
import pytest
import soundfile as sf

from ear_vae.data import resolve_source

MUSIC_PACKAGE = "drascula-music"  # Ogg Vorbis, 44.1 kHz stereo, freely licensed game soundtrack


@pytest.fixture(scope="session")
def real_music_clips():
    """Three real stereo music excerpts (up to 20 s each) as (audio [T, 2] float64, sample_rate, name)."""
    files = resolve_source(f"debian:{MUSIC_PACKAGE}")
    assert len(files) >= 3, f"{MUSIC_PACKAGE} should hold several tracks, found {len(files)}"
    clips = []
    for path in files[:3]:
        audio, rate = sf.read(path, dtype="float64", always_2d=True, frames=20 * 44100)
        clips.append((np.ascontiguousarray(audio), rate, path.name))
    return clips


def pytest_configure(config):
    config.addinivalue_line("markers", "cuda: needs a CUDA GPU (skipped without one; run on a GPU machine with `pytest -m cuda`)")
