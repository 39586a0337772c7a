"""The documentation site (scripts/build_docs.py, `make docs`): pages built from the notebooks, checked in headless Chromium."""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

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
    remote = []  # the site must work offline: nothing may be fetched from outside it
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else (remote.append(route.request.url), route.abort()))
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
            if name == "08b_thd":  # every formula typeset by the site's own MathJax (one math/tex script and one .MathJax each)
                page.evaluate("() => new Promise(done => MathJax.Hub.Queue(done))")
                formulas, typeset = page.evaluate("() => [[...document.scripts].filter(s => s.type.startsWith('math/tex')).length, document.querySelectorAll('.MathJax').length]")
                assert formulas > 0 and typeset == formulas, (formulas, typeset)
            shot = tmp_path / f"{name}.png"
            page.screenshot(path=str(shot), clip={"x": 300, "y": 0, "width": 960, "height": 900})  # the page, not its side list
            assert screenshot_is_not_blank(shot) > 0.05, f"{name}: the page area of the screenshot is blank"
    page.close()
    assert remote == [], remote


def test_failing_or_dying_notebooks_stop_the_build(tmp_path, capsys):
    builder = load_builder()
    def notebook(name, code):
        nb = {"cells": [{"cell_type": "code", "id": "a1", "metadata": {}, "execution_count": None, "outputs": [], "source": code}],
              "metadata": {"kernelspec": {"name": "python3", "display_name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
        (tmp_path / f"{name}.ipynb").write_text(json.dumps(nb)); return tmp_path / f"{name}.ipynb"
    good, raising, dying = notebook("good", "x = 6 * 7\nprint(x)"), notebook("raising", "1 / 0"), notebook("dying", "import os\nos._exit(3)")
    (tmp_path / "scratch").mkdir()
    executed = builder.execute_all([good], 2, tmp_path / "scratch")
    assert executed[good]["cells"][0]["outputs"][0]["text"] in ("42\n", ["42\n"])
    with pytest.raises(SystemExit, match="notebooks that failed: .*raising.*dying|notebooks that failed: .*dying.*raising"):
        builder.execute_all([raising, dying, good], 2, tmp_path / "scratch")
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "exit code 3" in err, err


def test_notebooks_at_once_share_the_cores(tmp_path, monkeypatch):
    # Two notebooks at a time on this machine's cores: torch in each reports its share (at least one thread), not a thread
    # per core each (4 busy threads on 2 cores ran the docs build 2.7x slower); a thread count the caller set is kept.
    builder = load_builder()
    nb = {"cells": [{"cell_type": "code", "id": "a1", "metadata": {}, "execution_count": None, "outputs": [],
                     "source": "import torch\nprint(torch.get_num_threads())"}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    paths = [tmp_path / f"threads{i}.ipynb" for i in range(2)]
    for path in paths: path.write_text(json.dumps(nb))
    (tmp_path / "scratch").mkdir()
    def threads_seen(workers):
        executed = builder.execute_all(paths, workers, tmp_path / "scratch")
        return {int("".join(executed[p]["cells"][0]["outputs"][0]["text"])) for p in paths}
    for name in builder.THREAD_VARIABLES: monkeypatch.delenv(name, raising=False)
    # torch's own default (one per physical core; it never goes above it): what one notebook alone gets
    alone = int(subprocess.run([sys.executable, "-c", "import torch; print(torch.get_num_threads())"], capture_output=True, text=True, check=True).stdout)
    cores = len(os.sched_getaffinity(0))
    assert threads_seen(2) == {min(alone, max(1, cores // 2))}
    assert threads_seen(1) == {alone}
    def thread_env():   # what `make test-nbs` hands nbdev_test
        return subprocess.run([sys.executable, "scripts/build_docs.py", "--thread-env", "2"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    share = max(1, cores // 2)
    assert thread_env() == [f"OMP_NUM_THREADS={share}", f"MKL_NUM_THREADS={share}"]
    monkeypatch.setenv("OMP_NUM_THREADS", "")    # empty: unset
    assert thread_env() == [f"OMP_NUM_THREADS={share}", f"MKL_NUM_THREADS={share}"]
    assert threads_seen(2) == {min(alone, max(1, cores // 2))}
    monkeypatch.setenv("OMP_NUM_THREADS", "1")   # the caller's choice is kept (1 on one worker: below any default)
    assert threads_seen(1) == {1} and thread_env() == []
    if torch.backends.mkl.is_available():   # an MKL build (pip's x86 wheels) reads MKL's count before OpenMP's
        monkeypatch.delenv("OMP_NUM_THREADS"); monkeypatch.setenv("MKL_NUM_THREADS", "1")
        assert threads_seen(1) == {1}


def test_links_to_what_the_repository_does_not_hold_are_errors(tmp_path):
    builder = load_builder()
    site, tracked = tmp_path / "site", builder.tracked_files()
    site.mkdir()
    errors = []
    assert builder._rewrite_link("03_losses.ipynb#recipes", builder.NBS, site, tracked, errors) == "03_losses.html#recipes"
    assert builder._rewrite_link("../reports/figures/metrics.png", builder.NBS, site, tracked, errors) == "reports/figures/metrics.png"
    assert (site / "reports" / "figures" / "metrics.png").is_file()  # an image travels with the site
    assert builder._rewrite_link("../params.yaml", builder.NBS, site, tracked, errors) == f"{builder.GIT_URL}/blob/{builder.BRANCH}/params.yaml"
    assert errors == []
    for target in ("figures/missing.png", "../dvc.yml", "../.venv", "../../outside.txt", "99_nothing.ipynb"):
        builder._rewrite_link(target, builder.NBS, site, tracked, errors)
    assert len(errors) == 5 and "not tracked by git" in errors[2] and "outside the repository" in errors[3], errors
    (site / "a.html").write_text('<a href="b.html">b</a><img src="figures/x.png"><a href="https://example.org">x</a><a href="#top">t</a>'
                                 '<a href="../escape.html">e</a><a href="/etc/hostname">h</a><pre>src="not_a_tag.png"</pre>')
    (site / "b.html").write_text("<p>b</p>"); (tmp_path / "escape.html").write_text("outside")
    assert builder.broken_links(site) == ["a.html: figures/x.png", "a.html: ../escape.html", "a.html: /etc/hostname"]


def test_the_builder_replaces_only_its_own_sites(tmp_path):
    builder = load_builder()
    for out in (builder.ROOT, builder.ROOT.parent):
        with pytest.raises(SystemExit, match="would replace the repository"): builder.check_output_folder(out)
    (tmp_path / "notes").mkdir(); (tmp_path / "notes" / "mine.txt").write_text("keep")
    with pytest.raises(SystemExit, match="not a site this builder wrote"): builder.check_output_folder(tmp_path / "notes")
    (tmp_path / "old_site").mkdir(); (tmp_path / "old_site" / builder.SITE_MARKER).write_text("")
    builder.check_output_folder(tmp_path / "old_site"); builder.check_output_folder(tmp_path / "new")  # a site of ours, a new folder: fine


def test_readme_is_generated_from_the_index_notebook():
    builder = load_builder()
    assert (ROOT / "README.md").read_text() == builder.readme_text(), "README.md differs from nbs/index.ipynb: run `make readme`"
    assert builder.readme_text().startswith(builder.README_HEADER + "# ear_vae")
