"""The documentation site (scripts/build_docs.py, `make docs`): pages built from the notebooks, checked in headless Chromium."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from conftest import screenshot_is_not_blank, served

ROOT = Path(__file__).resolve().parent.parent


def load_builder():
    spec = importlib.util.spec_from_file_location("build_docs", ROOT / "scripts" / "build_docs.py")
    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
    return module


def test_site_pages_render_in_chromium(tmp_path, browser):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "scripts/build_docs.py", "--only", "index", "08b_thd", "ablation_report", "--out", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in site.glob("*.html")) == ["08b_thd.html", "ablation_report.html", "index.html"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with served(site) as url:
        for name, heading, plots in (("index", "ear_vae", 0), ("08b_thd", "Harmonic distortion: THD+N", 1), ("ablation_report", "Ablation report", 3)):
            response = page.goto(f"{url}/{name}.html")
            assert response.ok, f"{name}: HTTP {response.status}"
            page.wait_for_load_state("load")
            assert page.locator("h1").first.inner_text().startswith(heading)
            links = page.eval_on_selector_all("nav.ear-nav a", "links => links.map(a => a.getAttribute('href'))")
            assert links == ["index.html", "08b_thd.html", "ablation_report.html"], links
            assert all(page.request.get(f"{url}/{href}").ok for href in links)
            images = page.evaluate("() => [...document.images].map(i => i.complete && i.naturalWidth > 0)")
            assert len(images) >= plots and all(images), f"{name}: images {images}"   # the notebook's plots, executed at build time
            assert "Traceback" not in page.inner_text("body")
            shot = tmp_path / f"{name}.png"
            page.screenshot(path=str(shot))
            assert screenshot_is_not_blank(shot) > 0.05, f"{name}: the screenshot is blank"
    page.close()


def test_a_failing_notebook_and_a_dead_link_are_reported(tmp_path):
    builder = load_builder()
    nb = {"cells": [{"cell_type": "code", "id": "a1", "metadata": {}, "execution_count": None, "outputs": [], "source": "x = 1\n1 / 0"}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "broken.ipynb").write_text(json.dumps(nb))
    executed, _, error = builder.execute_notebook(tmp_path / "broken.ipynb")
    assert executed is None and "ZeroDivisionError" in error
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.html").write_text('<a href="b.html">b</a><img src="figures/x.png"><a href="https://example.org">x</a><a href="#top">t</a>')
    (tmp_path / "site" / "b.html").write_text("<p>b</p>")
    assert builder.broken_links(tmp_path / "site") == ["a.html: figures/x.png"]


def test_readme_is_generated_from_the_index_notebook():
    builder = load_builder()
    assert (ROOT / "README.md").read_text() == builder.readme_text(), "README.md differs from nbs/index.ipynb: run `make readme`"
    assert builder.readme_text().startswith(builder.README_HEADER + "# ear_vae")
