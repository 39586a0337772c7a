"""K-weighting on real music, against pyloudnorm's BS.1770-4 meter; the Debian source's errors."""
import numpy as np
import pyloudnorm
import pytest
import scipy.signal

from ear_vae.data import SourceError, fetch_debian_package
from ear_vae.kweighting import integrated_loudness_kweighted


def test_real_music_is_stereo_music(real_music_clips):
    for audio, rate, name in real_music_clips:
        assert rate == 44100 and audio.shape[1] == 2, name
        assert audio.shape[0] > 5 * rate, name
        assert np.abs(audio[:, 0] - audio[:, 1]).max() > 1e-3, f"{name} is not real stereo"


@pytest.mark.parametrize("target_rate", [44100, 48000])
def test_integrated_loudness_matches_pyloudnorm(real_music_clips, target_rate):
    for audio, rate, name in real_music_clips:
        if target_rate != rate:
            audio = scipy.signal.resample_poly(audio, 160, 147, axis=0)  # 44.1 kHz -> 48 kHz
        ours = integrated_loudness_kweighted(audio, target_rate)
        reference = pyloudnorm.Meter(target_rate).integrated_loudness(audio)
        assert abs(ours - reference) < 0.1, (name, target_rate, ours, reference)


def test_unknown_debian_package_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="debian:no-such-music-package-xyz"):
        fetch_debian_package("no-such-music-package-xyz", cache_dir=tmp_path)
    assert not (tmp_path / "debian" / "no-such-music-package-xyz" / ".unpacked").exists()
