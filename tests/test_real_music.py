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


def test_prepare_merges_the_copies_of_each_recording(tmp_path):
    # drascula-music ships each recording once under audio/ and again through symlinks under de/ en/ es/ fr/ it/:
    # prepared by path, copies of one recording landed in train and in test. Each recording is now prepared once.
    import csv
    from pathlib import Path
    from ear_vae.data import prepare_corpus, resolve_source
    from conftest import MUSIC_PACKAGE
    files = resolve_source(f"debian:{MUSIC_PACKAGE}")
    real = {p.resolve() for p in files}
    report = prepare_corpus([f"debian:{MUSIC_PACKAGE}"], tmp_path / "prepared", min_seconds=5.0, progress=False)
    assert len(files) > 2 * len(real)  # the package's layout: many paths per real file
    assert report["tracks_prepared"] + report["copies_merged"] + report["files_skipped"] == report["files_seen"] == len(files)
    assert report["tracks_prepared"] <= len(real) and report["copies_merged"] >= len(files) - len(real) - report["files_skipped"]
    copies = {c for g in report["duplicates"] for c in g["copies"]} | {g["kept"] for g in report["duplicates"]}
    symlinks = {str(p) for p in files if p.is_symlink()}
    assert symlinks <= copies | {s["file"] for s in report["skipped"]}, sorted(symlinks - copies)[:3]
    with open(tmp_path / "prepared" / "manifest.csv") as f: rows = list(csv.DictReader(f))
    sources = [Path(r["source"]).resolve() for r in rows]
    assert len(set(sources)) == len(rows)  # no real file prepared twice, so no recording in two splits
