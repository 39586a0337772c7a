"""The documentation site (`make docs`) and the README (`make readme`), offline.

Every notebook of `nbs/` (not `nbs/reports/`: the pipeline's report notebook needs its data) is executed as `nbdev_test`
executes it — nbdev's processor and front matter (`skip_exec`), the `tst_flags` of settings.ini skipped, the notebook's
folder as working directory, `IN_TEST=1` — each in a fresh Python process, so building the site runs the notebook
tests; the executed notebooks are rendered to HTML with nbconvert (MathJax copied into the site, no remote scripts),
with a page list on the side, and the pipeline's executed report (`reports/ablation.ipynb`, committed with its outputs)
is rendered as it is. A notebook that raises or whose process dies, a link to a file the repository does not hold, an
image or page of the site that is not there: the build fails and names them, and the previous site stays.

Why not `nbdev_docs`: it needs Quarto, whose PyPI package (`quarto-cli`) downloads its binaries from GitHub when it is
installed; this builder needs only Jupyter's nbconvert and so also works where only package registries are reachable.

    python scripts/build_docs.py                      # the whole site into _docs/ (executes every notebook)
    python scripts/build_docs.py --only index 00_kweighting --out /tmp/site
    python scripts/build_docs.py --readme             # README.md from nbs/index.ipynb
    python scripts/build_docs.py --check-readme       # fails when README.md is not what nbs/index.ipynb gives
"""
import argparse
import configparser
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / "nbs"
INDEX = NBS / "index.ipynb"
REPORT = ROOT / "reports" / "ablation.ipynb"   # executed by the pipeline's report stage: rendered with its outputs
REPORT_PAGE = "ablation_report"
README_HEADER = "<!-- generated from nbs/index.ipynb by `make readme`: edit the notebook, not this file -->\n\n"
SETTINGS = configparser.ConfigParser()
SETTINGS.read(ROOT / "settings.ini")
GIT_URL = SETTINGS["DEFAULT"]["git_url"].rstrip("/")
BRANCH = SETTINGS["DEFAULT"].get("branch", "main")
SKIP_FLAGS = set(SETTINGS["DEFAULT"].get("tst_flags", "").split())
DIRECTIVE = re.compile(r"^\s*#\s*\|\s*(\S+)")


def read_notebook(path: Path) -> dict:
    try: return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e: raise SystemExit(f"{path}: not a readable notebook ({e})")


def source(cell) -> str: return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def notebook_title(nb: dict, fallback: str) -> str:
    "The first markdown heading of the notebook."
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            m = re.search(r"^#\s+(.+)$", source(cell), re.M)
            if m: return m.group(1).strip()
    return fallback


# ---------------------------------------------------------------- execution (as nbdev_test)

def execute_notebook(path: Path) -> tuple[dict | None, str]:
    "(the notebook with the outputs of its executed cells, error text): run as nbdev_test runs it (its processor, skip flags, folder)."
    from execnb.nbio import nb2dict
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor
    os.environ["IN_TEST"] = "1"
    sys.path.insert(0, str(ROOT))
    processed = NBProcessor(path, procs=FrontmatterProc, process=True).nb
    front = getattr(processed, "frontmatter_", {}) or {}
    if str(front.get("skip_exec", "")).lower() in ("true", "1", "yes"): return read_notebook(path), ""  # nbdev_test skips it too

    def skip(cell):
        if cell.cell_type != "code": return True
        if "nbdev_export" + "(" in cell.source: return True
        directives = getattr(cell, "directives_", {}) or {}
        if directives.get("eval:", [""])[0].lower() == "false": return True
        return bool(SKIP_FLAGS & directives.keys())

    shell = CaptureShell(path, mpl_format="png")
    try:
        with working_directory(path.parent): shell.run_all(processed, exc_stop=True, preproc=skip)
    except Exception:
        return None, shell.prettytb(fname=path)
    nb = read_notebook(path)
    outputs = {c.get("id"): c for c in processed.cells if c.cell_type == "code"}
    for cell in nb["cells"]:
        done = outputs.get(cell.get("id"))
        if cell["cell_type"] == "code" and done is not None:
            cell["outputs"] = nb2dict(done.get("outputs", []))
            cell["execution_count"] = done.get("execution_count")
    return nb, ""


THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")   # what torch's and NumPy's thread pools read at start


def thread_settings(workers: int) -> tuple[dict, str]:
    """(the thread variables a notebook's process gets, a line saying its thread count): the cores this process may use,
    shared by the `workers` notebooks that run at once (at least one thread each); none when the caller set
    OMP_NUM_THREADS or MKL_NUM_THREADS (torch takes MKL's over OpenMP's when both are set; an empty value is unset).
    `make test-nbs` takes the same settings for nbdev_test (`--thread-env`).

    Why: torch starts one thread per core in each process, so 2 notebooks on 2 cores ran 4 busy threads. Measured on
    the 2-core CI machine (2026-12-06), 2 processes each running 30 small training steps took 10.5-13.2 s with 2 threads
    each and 5.9-6.8 s with 1 thread each (one process alone: 3.6 s with 2 threads, 6.0 s with 1); the whole site, back
    to back, took 628 s with 2 threads per notebook and 235 s with 1 (`07_trainer` 217 s -> 45 s, `03_losses` 135 -> 32)."""
    chosen = [f"{name}={os.environ[name]}" for name in THREAD_VARIABLES if os.environ.get(name, "").strip()]
    if chosen: return {}, " ".join(chosen) + " (set by the caller)"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    threads = max(1, cores // max(1, workers))
    return {name: str(threads) for name in THREAD_VARIABLES}, f"{threads} thread(s) per notebook: {cores} core(s) shared by {max(1, workers)} notebook(s) at a time"


def execute_all(paths: list[Path], workers: int, scratch: Path) -> dict:
    "{path: executed notebook}: each notebook in its own Python process (`--execute-one`), `workers` at a time; any failure stops the build."
    results, failed, queue, running = {}, [], list(paths), {}
    settings, threads = thread_settings(min(workers, len(paths)))   # a lone notebook gets every core
    env = {**os.environ, **settings}
    print(f"executing {len(paths)} notebook(s), {threads}", flush=True)
    while queue or running:
        while queue and len(running) < max(1, workers):
            path = queue.pop(0); out = scratch / f"{path.stem}.executed.ipynb"; log = scratch / f"{path.stem}.log"
            with open(log, "w") as handle:
                process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--execute-one", str(path), "--to", str(out)],
                                           stdout=handle, stderr=subprocess.STDOUT, cwd=path.parent, env=env)
            running[path] = (process, out, log, time.time())
        time.sleep(0.2)
        for path, (process, out, log, start) in list(running.items()):
            if process.poll() is None: continue
            del running[path]
            name, seconds = (path.relative_to(ROOT) if ROOT in path.parents else path), time.time() - start
            if process.returncode == 0 and out.is_file():
                results[path] = read_notebook(out); print(f"- executed {name} ({seconds:.0f} s)", flush=True)
            else:  # an exception in a cell, or the process died (a crash, out of memory)
                failed.append(name)
                print(f"FAILED {name} (exit code {process.returncode}, {seconds:.0f} s)\n{log.read_text()[-6000:]}", file=sys.stderr, flush=True)
    if failed: raise SystemExit("notebooks that failed: " + ", ".join(map(str, failed)))
    return results


# ---------------------------------------------------------------- rendering

def page_name(path: Path) -> str:
    return REPORT_PAGE if path == REPORT else path.stem


def tracked_files() -> set[str]:
    "The repository's tracked files (git ls-files), relative to its root."
    done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode: raise SystemExit(f"git ls-files failed in {ROOT}: {done.stderr.strip()}")
    return set(filter(None, done.stdout.split("\0")))


def _rewrite_link(target: str, folder: Path, site: Path, tracked: set, errors: list) -> str:
    "A markdown link of a notebook in `folder`, as the site needs it; a target the repository does not hold goes to `errors`."
    if re.match(r"^([a-z]+:|#|/)", target): return target
    path_part, _, fragment = target.partition("#")
    resolved = (folder / path_part).resolve()
    if resolved.suffix == ".ipynb" and resolved.parent == NBS:
        if not resolved.is_file(): errors.append(f"{target}: no such notebook")
        return f"{resolved.stem}.html" + (f"#{fragment}" if fragment else "")
    if resolved == REPORT: return f"{REPORT_PAGE}.html"
    try: relative = resolved.relative_to(ROOT).as_posix()
    except ValueError:
        errors.append(f"{target}: outside the repository"); return target
    held = relative in tracked or (resolved.is_dir() and any(f.startswith(relative + "/") for f in tracked))
    if not held:
        errors.append(f"{target}: " + ("not tracked by git (a reader of the site cannot get it)" if resolved.exists() else "no such file"))
        return target
    if resolved.suffix.lower() in (".png", ".jpg", ".jpeg", ".svg", ".gif"):  # images travel with the site
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(resolved, site / relative)
        return relative
    kind = "tree" if resolved.is_dir() else "blob"
    return f"{GIT_URL}/{kind}/{BRANCH}/{relative}" + (f"#{fragment}" if fragment else "")


def prepare_for_site(nb: dict, folder: Path, site: Path, tracked: set, errors: list) -> dict:
    "The notebook as a reader sees it: `#| hide` cells dropped, `#|` directive lines removed, links made to work in the site."
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb["cells"]:
        text = source(cell)
        if cell["cell_type"] == "code":
            lines = text.splitlines()
            directives = [DIRECTIVE.match(line).group(1) for line in lines if DIRECTIVE.match(line)]
            if "hide" in directives or "nbdev_export" + "(" in text: continue
            cell["source"] = "\n".join(line for line in lines if not DIRECTIVE.match(line)).strip("\n")
            if not cell["source"] and not cell.get("outputs"): continue  # only directives (`#| default_exp ...`)
        elif cell["cell_type"] == "markdown":
            cell["source"] = re.sub(r"(!?\[[^\]]*\]\()([^)\s]+)(\))", lambda m: m.group(1) + _rewrite_link(m.group(2), folder, site, tracked, errors) + m.group(3), text)
        cells.append(cell)
    nb["cells"] = cells
    return nb


NAV_STYLE = """<style>
.ear-nav{position:fixed;top:0;left:0;bottom:0;width:15rem;overflow-y:auto;padding:1rem;background:#f7f7f9;border-right:1px solid #ddd;font:14px/1.4 system-ui,sans-serif;z-index:10}
.ear-nav a{display:block;padding:.2rem .3rem;color:#1a4f8b;text-decoration:none;border-radius:3px}.ear-nav a:hover{background:#e8eef6}
.ear-nav a.current{background:#1a4f8b;color:#fff}.ear-nav .site{font-weight:bold;font-size:16px;margin-bottom:.6rem}
body.jp-Notebook,body{margin-left:16rem !important}
@media (max-width:800px){.ear-nav{position:static;width:auto;border:0}body.jp-Notebook,body{margin-left:0 !important}}
</style>"""


def navigation(pages: list[tuple[str, str]], current: str) -> str:
    links = "\n".join(f'<a href="{name}.html" class="{"current" if name == current else ""}">{title}</a>' for name, title in pages)
    return f'<nav class="ear-nav" aria-label="pages"><div class="site">ear_vae</div>\n{links}\n</nav>'


MATHJAX_DIR = "mathjax"   # MathJax 2.7 from the jupyter-server-mathjax wheel, copied into the site: formulas render offline


def copy_mathjax(site: Path):
    "MathJax's static files (jupyter-server-mathjax, a dev requirement) into `site`/mathjax."
    try: import jupyter_server_mathjax
    except ImportError: raise SystemExit("jupyter-server-mathjax is missing (a dev requirement): run `make install`") from None
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", site / MATHJAX_DIR)


def render_page(nb: dict, title: str, nav_html: str, out_html: Path):
    "One notebook as an HTML page (nbconvert's lab template, local MathJax, no remote scripts) with the page list on the side."
    import nbformat
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True,
                            mathjax_url=f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe")  # the config the wheel ships
    body, _ = exporter.from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4))  # reads: multi-line text as nbformat joins it
    body = re.sub(r'<script src="https?://[^"]*require[^"]*"></script>', "", body)     # require.js (widgets only) from a CDN: not needed
    body = re.sub(r"<title>.*?</title>", f"<title>{title} – ear_vae</title>", body, count=1, flags=re.S)
    body = body.replace("</head>", NAV_STYLE + "\n</head>", 1)
    body, n = re.subn(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + nav_html, body, count=1)
    if n != 1: raise SystemExit(f"{out_html.name}: nbconvert's page has no <body>")
    out_html.write_text(body, encoding="utf-8")


class _Targets(HTMLParser):
    "The href/src attributes of a page's tags (not text that looks like them, e.g. in highlighted code)."
    def __init__(self):
        super().__init__(); self.targets = []
    def handle_starttag(self, tag, attrs):
        self.targets += [value for name, value in attrs if name in ("href", "src") and value]


def broken_links(site: Path) -> list[str]:
    "Every relative href/src of the site's pages that names no file inside the site."
    broken, root = [], site.resolve()
    for page in sorted(site.glob("*.html")):
        parser = _Targets(); parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            if re.match(r"^([a-z]+:|#|//)", target): continue
            path = target.split("#")[0].split("?")[0]
            if not path: continue
            resolved = (root / path.lstrip("/")).resolve() if not path.startswith("/") else Path(path).resolve()
            if path.startswith("/") or (resolved != root and root not in resolved.parents) or not resolved.exists():
                broken.append(f"{page.name}: {target}")
    return broken


SITE_MARKER = ".ear_vae_site"   # written into every site: only a folder carrying it (or an empty one) is replaced


def check_output_folder(out: Path):
    "Refuse to replace a folder this builder did not write (the repository, a home folder, anything with other files)."
    if out == ROOT or out in ROOT.parents: raise SystemExit(f"--out {out}: would replace the repository or a folder above it")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / SITE_MARKER).is_file())):
        raise SystemExit(f"--out {out}: exists and is not a site this builder wrote (no {SITE_MARKER}); choose another folder or remove it")


def build_site(out: Path, only: list[str] | None = None, workers: int = 2):
    "Execute, render and check; the site replaces `out` only when all of it succeeded."
    check_output_folder(out)
    if not INDEX.is_file(): raise SystemExit(f"{INDEX} is missing: it is the home page")
    notebooks = [INDEX] + sorted(p for p in NBS.glob("*.ipynb") if p != INDEX and not p.name.startswith("_"))
    with_report = not only or REPORT_PAGE in {Path(o).stem for o in only}
    if only:
        wanted = {Path(o).stem for o in only}
        unknown = wanted - {p.stem for p in notebooks} - {REPORT_PAGE}
        if unknown: raise SystemExit(f"--only: no notebook {sorted(unknown)[0]!r} in {NBS}")
        notebooks = [p for p in notebooks if p.stem in wanted]
    if with_report and not REPORT.is_file(): raise SystemExit(f"{REPORT} is missing: the pipeline's report stage writes it (dvc repro report)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-")); tmp.chmod(0o755)
    old = out.with_name(f".{out.name}-old-{os.getpid()}")
    try:
        scratch = tmp / ".executed"; scratch.mkdir()
        executed = execute_all(notebooks, workers, scratch)
        shutil.rmtree(scratch)
        sources = [(p, executed[p]) for p in notebooks] + ([(REPORT, read_notebook(REPORT))] if with_report else [])
        pages = [("index" if p == INDEX else page_name(p), notebook_title(nb, p.stem)) for p, nb in sources]
        tracked, errors = tracked_files(), []
        for (name, title), (path, nb) in zip(pages, sources):
            page_errors = []
            render_page(prepare_for_site(nb, ROOT if path == INDEX else path.parent, tmp, tracked, page_errors), title, navigation(pages, name), tmp / f"{name}.html")
            errors += [f"{path.relative_to(ROOT)}: {e}" for e in page_errors]
            print(f"- rendered {name}.html", flush=True)
        copy_mathjax(tmp)
        broken = errors + broken_links(tmp)
        if broken: raise SystemExit(f"{len(broken)} broken link(s) in the site: " + "; ".join(broken[:8]))
        (tmp / SITE_MARKER).write_text("written by scripts/build_docs.py; the next build replaces this folder\n")
        if out.exists(): out.rename(old)   # the old site aside, the new one in, then the old one away
        tmp.rename(out)
    finally:
        if tmp.exists(): shutil.rmtree(tmp)
        if old.exists(): shutil.rmtree(old)
    print(f"site: {out}/index.html ({len(pages)} pages)")


# ---------------------------------------------------------------- README

def readme_text() -> str:
    "README.md as nbs/index.ipynb gives it: its markdown cells (links relative to the repository root), code cells as code blocks."
    nb = read_notebook(INDEX)
    parts = []
    for cell in nb["cells"]:
        text = source(cell).strip("\n")
        if cell["cell_type"] == "markdown": parts.append(text)
        elif cell["cell_type"] == "code" and not DIRECTIVE.match(text.splitlines()[0] if text else ""): parts.append(f"```python\n{text}\n```")
    return README_HEADER + "\n\n".join(parts) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--out", default=str(ROOT / SETTINGS["DEFAULT"].get("doc_path", "_docs")), help="site folder (replaced when it is a site this builder wrote)")
    parser.add_argument("--only", nargs="+", help="only these notebooks (names without .ipynb; ablation_report for the report)")
    parser.add_argument("--workers", type=int, default=2, help="notebooks executed at once")
    parser.add_argument("--readme", action="store_true", help="write README.md from nbs/index.ipynb and stop")
    parser.add_argument("--check-readme", action="store_true", help="fail when README.md differs from what nbs/index.ipynb gives")
    parser.add_argument("--thread-env", type=int, metavar="WORKERS", help="print the thread variables (NAME=value ...) that WORKERS notebooks at once get, and stop (`make test-nbs`)")
    parser.add_argument("--execute-one", metavar="NOTEBOOK", help=argparse.SUPPRESS)   # the worker of execute_all
    parser.add_argument("--to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.thread_env is not None:
        print(" ".join(f"{k}={v}" for k, v in thread_settings(args.thread_env)[0].items())); return
    if args.execute_one:
        nb, error = execute_notebook(Path(args.execute_one).resolve())
        if error: sys.stderr.write(error + "\n"); sys.exit(1)
        Path(args.to).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8"); return
    if args.readme:
        (ROOT / "README.md").write_text(readme_text(), encoding="utf-8"); print("wrote README.md from nbs/index.ipynb"); return
    if args.check_readme:
        if (ROOT / "README.md").read_text(encoding="utf-8") != readme_text():
            raise SystemExit("README.md is not what nbs/index.ipynb gives: edit the notebook and run `make readme`")
        print("README.md is in step with nbs/index.ipynb"); return
    build_site(Path(args.out).resolve(), args.only, args.workers)


if __name__ == "__main__":
    main()
