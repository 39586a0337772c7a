"""The package's shape: modules import only what comes before them in the notebooks' order (no back-arrows), and
the whole import graph, imports inside functions included, has no cycle (no circles)."""
import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ear_vae"


def _modules() -> dict[str, str]:
    "module -> the notebook it is exported from (its name sorts in reading order)."
    out = {}
    for path in PACKAGE.glob("*.py"):
        found = re.search(r"File to edit: \.\./nbs/(\S+)\.ipynb", path.read_text())
        if found: out[path.stem] = found.group(1)
    return out


def _imports(module: str, top_level_only: bool) -> set[str]:
    "The package modules `module` imports (at the top level only, or anywhere)."
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level == 1: found.add(name.split(".")[0])
            elif name.startswith("ear_vae."): found.add(name.split(".")[1])
            elif name == "ear_vae": found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("ear_vae."))
    return found - {module}


def test_no_back_arrows():
    order = _modules()
    assert {"trainer", "offline", "data", "stats", "bundle"} <= set(order), sorted(order)
    back = [f"{m} ({order[m]}) -> {d} ({order[d]})" for m in order for d in _imports(m, True) if d in order and order[d] > order[m]]
    assert not back, back


def test_no_circles():
    order = _modules()
    graph = {m: {d for d in _imports(m, False) if d in order} for m in order}
    state, cycles = {}, []

    def visit(m, path):
        state[m] = "open"
        for d in sorted(graph[m]):
            if state.get(d) == "open": cycles.append(" -> ".join(path[path.index(d):] + [d]))
            elif d not in state: visit(d, path + [d])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state: visit(m, [m])
    assert not cycles, cycles


def test_one_training_loop():
    # offline and bench drive the trainer's `fit`: no loop of their own over training steps, no crop sampler, no bootstrap
    offline, bench = (PACKAGE / "offline.py").read_text(), (PACKAGE / "bench.py").read_text()
    assert len(offline.splitlines()) <= 450
    for source in (offline, bench):
        assert "training_step(" not in source and "fit(" in source
        assert "default_rng" not in source and "percentile" not in source
        assert not re.search(r"\b(trainer|arm|probe|arms\[[^\]]+\]|by_name\[[^\]]+\])\.\w+(\[[^\]]*\])*\s*(=|\+=|\.update\()[^=]", source)
