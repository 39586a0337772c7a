"""The listening page (ear_vae.listen): real music, loudness checked with ffmpeg's EBU R128 meter, opened in headless Chromium."""
import re
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torchaudio

from conftest import screenshot_is_not_blank, served
from ear_vae.evaluation import CODECS
from ear_vae.listen import write_listening_page
from ear_vae.params import load_params
from ear_vae.thd import codec_process

ROOT = Path(__file__).resolve().parent.parent


def ffmpeg_integrated_loudness(path) -> float:
    "Integrated loudness (LUFS) by ffmpeg's ebur128 filter: an implementation independent of pyloudnorm."
    done = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-filter_complex", "ebur128", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", done.stderr)[-1])


def test_listening_page_loads_and_decodes_in_chromium(real_music_clips, tmp_path, browser):
    rows = {}
    for audio, rate, name in real_music_clips[:2]:
        clip = torch.from_numpy(audio[rate * 5: rate * 9].T.copy()).float()  # 4 s of the track
        rows[name] = {"reference": clip.numpy(), "lowpass_4k": torchaudio.functional.lowpass_biquad(clip, rate, 4000.0).numpy(),
                      "mp3_128": codec_process("mp3_128")(clip).numpy()}
    page_path = write_listening_page(rows, tmp_path / "listen.html")
    sections = page_path.read_text().split("<h2>")[1:]
    assert len(sections) == 2
    for section in sections:  # each clip: its stated level, and every row measured at it by ffmpeg (which prints 0.1 LU steps)
        level = float(re.search(r"every row at (-?[\d.]+) LUFS", section).group(1))
        sources = re.findall(r'<audio[^>]* src="([^"]+)"', section)
        assert level <= -14.0 and len(sources) == 3, section
        peaks = []
        for src in sources:
            assert abs(ffmpeg_integrated_loudness(tmp_path / src) - level) <= 0.15, src
            audio, _ = sf.read(tmp_path / src)
            peaks.append(20 * np.log10(np.abs(audio).max()))
        # the rule: -14 LUFS, or the highest level at which no row passes -1 dBFS (one 16-bit step of rounding allowed)
        assert max(peaks) <= -1.0 + 20 * np.log10(1 + 2 ** -15 / 10 ** (-1 / 20)), peaks
        assert level == -14.0 or max(peaks) > -1.05, (level, peaks)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with served(tmp_path) as url:
        assert page.goto(f"{url}/listen.html").ok
        page.wait_for_load_state("load")
        decoded = page.evaluate("""async () => Promise.all([...document.querySelectorAll('audio')].map(async a => {
            const bytes = await (await fetch(a.src)).arrayBuffer();
            const buffer = await new OfflineAudioContext(2, 44100, 44100).decodeAudioData(bytes);
            if (a.readyState < 1) await new Promise((ok, fail) => { a.onloadedmetadata = ok; a.onerror = () => fail(a.src); a.load(); });
            return {src: a.getAttribute('src'), seconds: buffer.duration, channels: buffer.numberOfChannels, element: a.duration, error: a.error && a.error.code};
        }))""")
        images = page.evaluate("() => [...document.images].map(i => i.complete && i.naturalWidth > 0)")
        notice_visible = page.evaluate("() => !document.getElementById('missing-media').hidden")
        shot = tmp_path / "listen.png"
        page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert len(decoded) == 6, decoded
    for d in decoded:
        assert d["error"] is None and d["channels"] == 2 and abs(d["seconds"] - 4.0) < 0.01 and abs(d["element"] - 4.0) < 0.01, d
    assert len(images) == 6 and all(images), images
    assert screenshot_is_not_blank(shot) > 0.05
    assert not notice_visible  # with its media the page does not say they are missing

    # a plain clone: the page is in git, its media (DVC) are not; the page says so and how to get them
    import shutil
    shutil.rmtree(tmp_path / "listen")
    page = browser.new_page()
    with served(tmp_path) as url:
        assert page.goto(f"{url}/listen.html").ok
        page.wait_for_function("() => !document.getElementById('missing-media').hidden", timeout=10000)
        text = page.inner_text("#missing-media")
    page.close()
    assert "make pull" in text and "make repro" in text, text


def test_committed_listening_page_lists_every_system():
    "reports/listen.html (the report stage's; its media are in the DVC cache) has a row for the reference, every variant and every codec."
    params = load_params(ROOT / "params.yaml")
    text = (ROOT / "reports" / "listen.html").read_text()
    clips = re.findall(r"<h2>(.*?)</h2>", text)
    assert len(clips) == params.evaluate.keep_audio, clips
    for system in ["reference"] + params.variants + list(CODECS):
        assert text.count(f"/{system}.flac\"") == len(clips), system
