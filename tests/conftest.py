"""Shared fixtures: real music from the Debian archive (fetched once, cached in ~/.cache/ear_vae); headless Chromium."""
import contextlib
import sys
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


# ---------------------------------------------------------------- headless Chromium (the docs site, the listening page)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_executable() -> str:
    """The system's Chromium: `make install` installs Debian's `chromium` with apt-get when run as root."""
    import shutil
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path: return path
    pytest.fail("headless Chromium is needed by the browser tests and was not found (tried "
                f"{', '.join(CHROMIUM_NAMES)}): run `make install` as root (apt-get install chromium) or install Chromium")


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by Playwright (the system browser: nothing is downloaded)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_executable(), args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()


@contextlib.contextmanager
def served(folder):
    """`folder` on http://127.0.0.1:<free port> for the duration (file:// pages cannot fetch their own media)."""
    import functools, http.server, threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # a page closed while its media still streamed: not a failure
            if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)): super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True); thread.start()
    try: yield f"http://127.0.0.1:{server.server_port}"
    finally: server.shutdown(); server.server_close()


def screenshot_is_not_blank(path) -> float:
    """The standard deviation of a screenshot's grey levels (0 for a blank page)."""
    import matplotlib.pyplot as plt
    image = plt.imread(str(path))[..., :3].mean(-1)
    return float(image.std())
