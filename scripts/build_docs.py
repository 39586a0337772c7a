"""The documentation site (`make docs`) and the README (`make readme`), offline.

Every notebook of `nbs/` is executed exactly as `nbdev_test` executes it (nbdev's processor, the `tst_flags` of
settings.ini skipped, the notebook's folder as working directory, `IN_TEST=1`), so building the site *is* running
the notebook tests; the executed notebooks are rendered to HTML with nbconvert, with a page list on the side, and the
pipeline's executed report (`reports/ablation.ipynb`, committed with its outputs) is rendered as it is. A notebook that
raises, a link or image of the site that leads nowhere: the build fails and says which.

Why not `nbdev_docs`: it needs Quarto, whose PyPI package (`quarto-cli`) downloads its binaries from GitHub when it is
installed; this builder needs only Jupyter's nbconvert and so also works where only package registries are reachable.
Where Quarto is installed, `nbdev_docs` works on the same notebooks too.

    python scripts/build_docs.py                      # the whole site into _docs/ (executes every notebook)
    python scripts/build_docs.py --only index 00_kweighting --out /tmp/site
    python scripts/build_docs.py --readme             # README.md from nbs/index.ipynb
    python scripts/build_docs.py --check-readme       # fails when README.md is not what nbs/index.ipynb gives
"""
import argparse
import configparser
import copy
import json
import multiprocessing
import os
import re
import shutil
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

def execute_notebook(path: Path) -> tuple[dict | None, float, str]:
    "(the notebook with the outputs of its executed cells, seconds, error text): run as nbdev_test runs it."
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor
    start = time.time()
    os.environ["IN_TEST"] = "1"
    sys.path.insert(0, str(ROOT))
    processed = NBProcessor(path, procs=FrontmatterProc, process=True).nb

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
        return None, time.time() - start, shell.prettytb(fname=path)
    nb = read_notebook(path)
    outputs = {c.get("id"): c for c in processed.cells if c.cell_type == "code"}
    from execnb.nbio import nb2dict
    for cell in nb["cells"]:
        done = outputs.get(cell.get("id"))
        if cell["cell_type"] == "code" and done is not None:
            cell["outputs"] = nb2dict(done.get("outputs", []))
            cell["execution_count"] = done.get("execution_count")
    return nb, time.time() - start, ""


def _execute_job(path: str):
    nb, seconds, error = execute_notebook(Path(path))
    return path, nb, seconds, error


def execute_all(paths: list[Path], workers: int) -> dict:
    "{path: executed notebook}; every failure is printed, then the build stops."
    results, failed = {}, []
    jobs = [str(p) for p in paths]
    context = multiprocessing.get_context("fork")
    # one fresh process per notebook (maxtasksperchild=1): a notebook's shell takes over the worker's __main__, and
    # every notebook starts from a clean interpreter, as under nbdev_test
    with context.Pool(max(1, min(workers, len(jobs))), maxtasksperchild=1) as pool:
        for path, nb, seconds, error in pool.imap_unordered(_execute_job, jobs):
            name = Path(path).relative_to(ROOT)
            if error:
                failed.append(name); print(f"FAILED {name} ({seconds:.0f} s)\n{error}", file=sys.stderr, flush=True)
            else:
                results[Path(path)] = nb; print(f"- executed {name} ({seconds:.0f} s)", flush=True)
    if failed: raise SystemExit("notebooks that failed: " + ", ".join(map(str, failed)))
    return results


# ---------------------------------------------------------------- rendering

def page_name(path: Path) -> str:
    return REPORT_PAGE if path == REPORT else path.stem


def _rewrite_link(target: str, folder: Path, site: Path, copied: set) -> str:
    "A markdown link of a notebook in `folder`, as the site needs it."
    if re.match(r"^([a-z]+:|#|/)", target): return target
    path_part, _, fragment = target.partition("#")
    resolved = (folder / path_part).resolve()
    if resolved.suffix == ".ipynb" and resolved.parent == NBS:
        return f"{resolved.stem}.html" + (f"#{fragment}" if fragment else "")
    if resolved == REPORT: return f"{REPORT_PAGE}.html"
    try: relative = resolved.relative_to(ROOT)
    except ValueError: return target
    if resolved.suffix.lower() in (".png", ".jpg", ".jpeg", ".svg", ".gif") and resolved.is_file():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(resolved, site / relative); copied.add(relative)
        return relative.as_posix()
    kind = "tree" if resolved.is_dir() else "blob"
    return f"{GIT_URL}/{kind}/{BRANCH}/{relative.as_posix()}" + (f"#{fragment}" if fragment else "")


def prepare_for_site(nb: dict, folder: Path, site: Path, copied: set) -> dict:
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
            cell["source"] = re.sub(r"(!?\[[^\]]*\]\()([^)\s]+)(\))", lambda m: m.group(1) + _rewrite_link(m.group(2), folder, site, copied) + m.group(3), text)
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


def render_page(nb: dict, title: str, nav_html: str, out_html: Path):
    import nbformat
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4))  # reads: multi-line text as nbformat joins it
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
    "Every relative href/src of the site's pages that names no file of the site."
    broken = []
    for page in sorted(site.glob("*.html")):
        parser = _Targets(); parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            if re.match(r"^([a-z]+:|#|//)", target): continue
            path = target.split("#")[0].split("?")[0]
            if path and not (site / path).exists(): broken.append(f"{page.name}: {target}")
    return broken


def build_site(out: Path, only: list[str] | None = None, workers: int = 2):
    "Execute, render and check; the site replaces `out` only when all of it succeeded."
    notebooks = [INDEX] + sorted(p for p in NBS.glob("*.ipynb") if p != INDEX and not p.name.startswith("_"))
    if only:
        wanted = {Path(o).stem for o in only}
        unknown = wanted - {p.stem for p in notebooks} - {REPORT_PAGE}
        if unknown: raise SystemExit(f"--only: no notebook {sorted(unknown)[0]!r} in {NBS}")
        notebooks = [p for p in notebooks if p.stem in wanted]
    if not INDEX.is_file(): raise SystemExit(f"{INDEX} is missing: it is the home page")
    executed = execute_all(notebooks, workers)
    sources = [(p, executed[p]) for p in notebooks]
    if (not only or REPORT_PAGE in {Path(o).stem for o in only}) and REPORT.is_file():
        sources.append((REPORT, read_notebook(REPORT)))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}-")); tmp.chmod(0o755)
    try:
        pages = [("index" if p == INDEX else page_name(p), notebook_title(nb, p.stem)) for p, nb in sources]
        copied = set()
        for (name, title), (path, nb) in zip(pages, sources):
            render_page(prepare_for_site(nb, ROOT if path == INDEX else path.parent, tmp, copied), title, navigation(pages, name), tmp / f"{name}.html")
            print(f"- rendered {name}.html", flush=True)
        broken = broken_links(tmp)
        if broken: raise SystemExit(f"{len(broken)} broken link(s) in the site, e.g. " + "; ".join(broken[:5]))
        if out.exists(): shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists(): shutil.rmtree(tmp)
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
    parser.add_argument("--out", default=str(ROOT / SETTINGS["DEFAULT"].get("doc_path", "_docs")), help="site folder (replaced)")
    parser.add_argument("--only", nargs="+", help="only these notebooks (names without .ipynb; ablation_report for the report)")
    parser.add_argument("--workers", type=int, default=2, help="notebooks executed at once")
    parser.add_argument("--readme", action="store_true", help="write README.md from nbs/index.ipynb and stop")
    parser.add_argument("--check-readme", action="store_true", help="fail when README.md differs from what nbs/index.ipynb gives")
    args = parser.parse_args(argv)
    if args.readme:
        (ROOT / "README.md").write_text(readme_text(), encoding="utf-8"); print("wrote README.md from nbs/index.ipynb"); return
    if args.check_readme:
        if (ROOT / "README.md").read_text(encoding="utf-8") != readme_text():
            raise SystemExit("README.md is not what nbs/index.ipynb gives: edit the notebook and run `make readme`")
        print("README.md is in step with nbs/index.ipynb"); return
    build_site(Path(args.out).resolve(), args.only, args.workers)


if __name__ == "__main__":
    main()
