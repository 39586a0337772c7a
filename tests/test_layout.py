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


def _imports_in(nodes) -> set[str]:
    "The package modules that the import statements among `nodes` name."
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level == 1: found.add(name.split(".")[0])
            elif name.startswith("ear_vae."): found.add(name.split(".")[1])
            elif name == "ear_vae": found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("ear_vae."))
    return found


def _outside_main_guard(tree) -> list:
    "The statements of a module, the `if __name__ == \"__main__\":` blocks left out (a `python -m` alias may call the command line)."
    guard = lambda n: isinstance(n, ast.If) and isinstance(n.test, ast.Compare) and isinstance(n.test.left, ast.Name) and n.test.left.id == "__name__"
    return [node for top in tree.body if not guard(top) for node in ast.walk(top)]


def _imports(module: str, top_level_only: bool) -> set[str]:
    "The package modules `module` imports (at the top level only, or anywhere)."
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())   # a `python -m` alias under `if __name__ == "__main__":` is not an import
    return _imports_in(tree.body if top_level_only else _outside_main_guard(tree)) - {module}


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


def _unguarded(function: ast.FunctionDef, words: list[str], options: dict[str, tuple[list[str], object]]) -> list[ast.AST]:
    """The nodes of `function` outside `if args.DEST:` blocks whose option the command `words` does not pass and whose
    default is falsy (`options`: dest -> (option strings, default), from the command's argparse parser)."""
    given = {w.split("=")[0] for w in words}
    def absent_option(test):
        if not (isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id == "args"): return False
        strings, default = options.get(test.attr, ([], True))
        return bool(strings) and not default and not given & set(strings)
    skipped = {id(n) for node in ast.walk(function) if isinstance(node, ast.If) and absent_option(node.test)
               for child in node.body for n in ast.walk(child)}
    return [n for n in ast.walk(function) if id(n) not in skipped]


def _command_imports(words: list[str], cli: ast.Module) -> set[str]:
    "The package modules the command `ear-vae ...` (`words`) reaches from cli.py: its handler and the cli helpers it calls, transitively."
    import argparse
    from ear_vae.cli import build_parser
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    options = {a.dest: (a.option_strings, a.default) for a in commands[words[1]]._actions}
    functions = {n.name: n for n in cli.body if isinstance(n, ast.FunctionDef)}
    todo, seen, found = [f"cmd_{words[1].replace('-', '_')}"], set(), set()
    while todo:
        name = todo.pop()
        if name in seen: continue
        seen.add(name)
        nodes = _unguarded(functions[name], words, options)
        found |= _imports_in(nodes)
        todo += [n.func.id for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in functions]
    return found | _imports_in(n for n in cli.body if not isinstance(n, ast.FunctionDef))   # cli's module-level imports


def test_stages_depend_on_the_code_they_run():
    """Every dvc.yaml stage lists, among its deps, each package module its command's code imports (transitively,
    imports inside functions too; a report notebook's imports too), so that a change to that code reruns the stage.
    Two modules are left out by design: cli.py (it turns arguments into a call: editing a help text must not retrain 21
    models) and params.py, which only checks params.yaml and fills in defaults that params.yaml never leaves to it
    (it holds every key: nbs/06b_params.ipynb tests that); the values a stage uses are its `params:`."""
    import json
    import yaml
    repo = PACKAGE.parent
    cli = ast.parse((PACKAGE / "cli.py").read_text())
    order = _modules()
    exempt = {"cli", "params"}
    missing = []
    for name, stage in yaml.safe_load((repo / "dvc.yaml").read_text())["stages"].items():
        words = stage["cmd"].split()
        assert words[0] == "ear-vae", f"{name}: {stage['cmd']}"
        start = _command_imports(words, cli)
        for dep in stage.get("deps", []):
            if str(dep).endswith(".ipynb"):   # a notebook the stage executes (the report)
                cells = json.loads((repo / dep).read_text())["cells"]
                start |= _imports_in(ast.walk(ast.parse("\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"))))
        need, todo = set(), sorted(start - exempt)
        while todo:
            module = todo.pop()
            if module in need or module not in order: continue
            need.add(module)
            todo += sorted(_imports(module, False) - exempt)
        listed = {Path(str(d)).stem for d in stage.get("deps", []) if str(d).startswith("ear_vae/")}
        if need - listed: missing.append(f"{name}: {sorted(need - listed)}")
    assert not missing, "dvc.yaml deps lack the code their stage runs: " + "; ".join(missing)


TEST_DOUBLES = {"FakeHub", "tiny_params", "write_toy_corpus", "write_bad_input_folder", "degrade", "train_to_separate", "music_like", "hard_cases"}


def test_test_doubles_live_in_the_testing_module_only():
    "The doubles the notebooks' examples and tests/ use are defined in ear_vae.testing, and no library module imports it."
    defined = {}
    for path in PACKAGE.glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in TEST_DOUBLES: defined[node.name] = path.stem
    assert defined == dict.fromkeys(TEST_DOUBLES, "testing"), defined
    importers = [m for m in _modules() if m != "testing" and "testing" in _imports(m, False)]
    assert not importers, f"library modules importing ear_vae.testing: {importers}"


def test_checkpoint_files_are_read_and_written_in_one_module():
    "torch.load and torch.save appear in ear_vae.checkpoints only; model_config.json is written there only."
    calls = {}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "torch" and node.attr in ("load", "save"):
                calls.setdefault(f"torch.{node.attr}", set()).add(path.stem)
    assert calls == {"torch.load": {"checkpoints"}, "torch.save": {"checkpoints"}}, calls
    writers = [p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("checkpoints", "_modidx") and re.search(r"model_config\.json\"\)?\s*(as tmp|,)", p.read_text())]
    assert not writers, writers


def test_no_library_module_imports_the_command_line():
    "cli.py sits on top: the rules it applies live in the library (apply_overrides in params, the fine-tune's in trainer, pairing in metrics)."
    importers = [m for m in _modules() if m != "cli" and "cli" in _imports_in(_outside_main_guard(ast.parse((PACKAGE / f"{m}.py").read_text())))]
    assert not importers, f"library modules importing ear_vae.cli: {importers}"


def test_one_parser():
    "argparse is imported by cli.py alone: `python -m ear_vae.bench` and `python -m ear_vae.offline` are aliases of `ear-vae bench` and `ear-vae node`."
    users = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "cli" and re.search(r"^\s*(import argparse|from argparse import)", p.read_text(), re.M))
    assert not users, users


def test_one_params_schema():
    """The typed schema (ear_vae.params) is the one home of every key's default: no dict of defaults beside it, the
    repository's params.yaml sets every key to the schema's default, the loss module's own defaults agree with it, and
    library code reads params as attributes (`params.train.steps`), never by string key."""
    import dataclasses
    import yaml
    from ear_vae import params
    from ear_vae.losses import DEFAULTS
    assert not hasattr(params, "DEFAULT_PARAMS")
    assert yaml.safe_load((PACKAGE.parent / "params.yaml").read_text()) == params.Params().to_dict()
    loss = params.Loss()
    assert {k: v for k, v in DEFAULTS.items() if hasattr(loss, k)} == {f.name: getattr(loss, f.name) for f in dataclasses.fields(loss) if f.name in DEFAULTS}
    readers = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "_modidx" and re.search(r"\bparams\[\s*[\"']", p.read_text()))
    assert not readers, f"modules reading params by string key: {readers}"


def test_a_thin_command_line():
    """cli.py parses, calls one library function per command and prints: at most 350 lines. Library modules send their
    messages through logging, never print (preflight excepted: it runs before the package can be imported); a progress
    bar's own line (tqdm.write, above the bar) is the bar's output."""
    assert len((PACKAGE / "cli.py").read_text().splitlines()) <= 350
    printers = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("cli", "preflight", "_modidx") and re.search(r"^\s*print\(", p.read_text(), re.M))
    assert not printers, f"library modules printing instead of logging: {printers}"


def test_notebooks_read_as_notes():
    "No export cell is over 60 lines, and at least 70 % of export cells are followed by a code cell that is not an export (an example or a test)."
    import json
    exports, followed, long = 0, 0, []
    for path in sorted((PACKAGE.parent / "nbs").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        for i, cell in enumerate(cells):
            text = "".join(cell["source"])
            if cell["cell_type"] != "code" or not text.startswith("#| export"): continue
            exports += 1
            if len(text.splitlines()) > 60: long.append(f"{path.stem} {cell['id']} ({len(text.splitlines())} lines)")
            after = cells[i + 1] if i + 1 < len(cells) else None
            followed += bool(after and after["cell_type"] == "code" and not "".join(after["source"]).startswith(("#| export", "#| hide")))
    assert not long, long
    assert followed >= 0.7 * exports, f"{followed} of {exports} export cells are followed by an example ({100 * followed / exports:.0f} %)"


def _top_level_imports(body) -> list:
    "The import statements of a module's top level, those inside a top-level `try` or `if` included."
    found = []
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)): found.append(node)
        elif isinstance(node, (ast.Try, ast.If)):
            for part in (node.body, node.orelse, getattr(node, "finalbody", []), *(h.body for h in getattr(node, "handlers", []))):
                found += _top_level_imports(part)
    return found


def _unused_imports(source: str) -> list[str]:
    "Names a module imports at its top level and never uses: not as a name, not in a string annotation (\"pd.DataFrame\"), not in `__all__`."
    tree = ast.parse(source)
    bound = [(a.asname or a.name.split(".")[0]) for node in _top_level_imports(tree.body)
             if getattr(node, "module", None) != "__future__" for a in node.names if a.name != "*"]
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    annotations = [n.annotation for n in ast.walk(tree) if isinstance(n, (ast.arg, ast.AnnAssign)) and n.annotation is not None]
    annotations += [n.returns for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.returns is not None]
    written = " ".join(c.value for a in annotations for c in ast.walk(a) if isinstance(c, ast.Constant) and isinstance(c.value, str))
    exported = {c.value for n in tree.body if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)
                for c in ast.walk(n.value) if isinstance(c, ast.Constant)}
    return [name for name in bound if name not in used | exported and not re.search(rf"\b{re.escape(name)}\.", written)]


def test_no_unused_imports():
    "Every module-level import of the package is used: the node's preflight and bundle take these imports as the package's needs."
    assert _unused_imports("import json\nimport numpy as np\nx: 'np.ndarray' = None\n") == ["json"]   # the check can fail
    assert _unused_imports('try:\n    import json\nexcept ImportError:\n    pass\n"writes metrics.json. here"\n') == ["json"]   # in a try; a docstring is no use
    assert _unused_imports("from os import path\n__all__ = ['path']\n") == []   # re-exported
    unused = {p.stem: names for p in sorted(PACKAGE.glob("*.py")) if p.stem != "_modidx" and (names := _unused_imports(p.read_text()))}
    assert not unused, f"unused imports (remove them in the notebooks, then nbdev_export): {unused}"


def test_the_warm_start_stage_reruns_for_the_loss_keys_it_computes_with_only():
    """The `warmstart` stage's `params:` name exactly the loss keys the warm start computes with. One that only a recipe
    reads (`trainer.RECIPE_LOSS_KEYS`) would retrain the shared warm start for nothing (17 min on 2 cores); one left out
    would leave a stale warm start that every recipe then refuses by name."""
    import yaml
    from ear_vae.params import Params
    from ear_vae.trainer import RECIPE_LOSS_KEYS
    stage = yaml.safe_load((PACKAGE.parent / "dvc.yaml").read_text())["stages"]["warmstart"]
    listed = {str(p) for p in stage["params"] if str(p).split(".")[0] == "loss"}
    expected = {f"loss.{k}" for k in Params().to_dict()["loss"] if k not in RECIPE_LOSS_KEYS}
    assert listed == expected, f"dvc.yaml warmstart params: {sorted(listed)}, the warm start's loss keys: {sorted(expected)}"
