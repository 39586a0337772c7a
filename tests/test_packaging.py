"""`pip install .` and `pip install -e .` in a fresh venv with current pip and setuptools (PEP 517 build, no pkg_resources)."""
import subprocess
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _source_copy(dst: Path) -> Path:
    "The repository's tracked and unignored files, copied: a build writes build/ and *.egg-info into its source tree."
    import shutil
    names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        if (REPO / name).is_file() and not name.startswith(("data/", "eval/", "logs/", "reports/", "tests/data/")):
            (dst / name).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(REPO / name, dst / name)
    return dst


def _fresh_venv(path: Path) -> Path:
    venv.create(path, with_pip=True)
    python = path / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--upgrade", "pip", "setuptools"], check=True, timeout=600)
    return python


def test_wheel_builds_and_installs_with_current_setuptools(tmp_path):
    python = _fresh_venv(tmp_path / "venv")
    # a wheel, built in an isolated PEP 517 environment with the newest setuptools PyPI offers
    source = _source_copy(tmp_path / "src")
    subprocess.run([python, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", tmp_path / "dist"], check=True, timeout=600)
    wheel = next((tmp_path / "dist").glob("ear_vae-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    modules = {p.name for p in (REPO / "ear_vae").glob("*.py")}
    assert modules <= {Path(n).name for n in names if n.startswith("ear_vae/")}, sorted(modules - set(names))
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "ear-vae = ear_vae.cli:main" in entry_points, entry_points
    # runtime requirements: what `import ear_vae` and the CLI need; the pipeline's tools only under the `pipeline` extra
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [l.split(":", 1)[1].strip() for l in metadata.splitlines() if l.startswith("Requires-Dist:")]
    base = {r.split(";")[0].strip() for r in requires if "extra ==" not in r}
    base_names = {__import__("re").split(r"[<>=!~ ]", r)[0].lower().replace("-", "_") for r in base}
    assert {"torch", "huggingface_hub", "soundfile"} <= base_names and not base_names & {"dvc", "dvclive", "papermill", "jupyterlab", "seaborn"}, base_names
    pipeline = {r.split(";")[0].strip() for r in requires if 'extra == "pipeline"' in r}
    assert {"dvc", "dvclive", "papermill", "jupyterlab"} <= pipeline, pipeline
    # the wheel installs; the package metadata are readable without importing torch
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", wheel], check=True, timeout=600)
    version = subprocess.run([python, "-c", "import importlib.metadata as m; print(m.version('ear_vae'))"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == next(l.split("=")[1].strip() for l in (REPO / "settings.ini").read_text().splitlines() if l.startswith("version"))


def test_editable_install_with_current_setuptools(tmp_path):
    python = _fresh_venv(tmp_path / "venv")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "-e", str(REPO)], check=True, timeout=600)
    where = subprocess.run([python, "-c", "import importlib.util as u; print(u.find_spec('ear_vae').origin)"], capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).resolve() == (REPO / "ear_vae" / "__init__.py").resolve()


def test_requirements_cover_every_module_level_import():
    "`pip install ear_vae` brings every package a module imports when it is imported (fastcore was a dev requirement only)."
    import shlex
    from ear_vae.preflight import import_name, module_level_imports
    settings = dict(l.split(" = ", 1) for l in (REPO / "settings.ini").read_text().splitlines() if " = " in l)
    required = {import_name(r) for r in shlex.split(settings["requirements"])} | {"ear_vae"}
    missing = {name: modules for name, modules in module_level_imports(REPO / "ear_vae").items() if name not in required}
    assert not missing, f"imported at module level but not in settings.ini's requirements: {missing}"


def test_node_image_and_wheels_cover_every_module_level_import():
    from ear_vae.preflight import uncovered_imports
    assert uncovered_imports() == {}, uncovered_imports()
