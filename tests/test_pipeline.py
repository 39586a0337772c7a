"""End to end: the whole `dvc repro` at toy scale in a temporary copy of the repository."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from ear_vae.checkpoints import load_checkpoint
from ear_vae.evaluation import CODECS
from ear_vae.trainer import weights_digest
from ear_vae.testing import write_toy_corpus

REPO = Path(__file__).resolve().parent.parent
VARIANTS = ["sao", "full"]  # sao and full (the ladder's first rung and its main recipe): the toy run checks the mechanics, the same for every variant (a third cost ~45 s)
SEEDS, AA_SEEDS = [0, 1], [2, 3]

TOY_PARAMS = {
    "seed": 0, "variants": VARIANTS, "seeds": SEEDS, "aa_seeds": AA_SEEDS,
    "data": {"sources": ["toy"], "min_seconds": 1.0, "valid_fraction": 0.2, "test_fraction": 0.3},
    "discriminator": {"filters": 4, "n_ffts": [1024, 256]},
    "train": {"steps": 4, "batch_size": 2, "segment_samples": 4096, "items_per_epoch": 16, "disc_warmup_steps": 2,
              "warmstart_steps": 2, "checkpoint_every": 2, "validate_every": 2, "log_every": 1, "valid_batches": 1, "device": "cpu"},
    "evaluate": {"clips": 2, "clip_seconds": 2.0, "chunk_seconds": 1.0, "overlap_seconds": 0.25, "keep_audio": 1,
                 "bootstrap": 200, "device": "cpu"},
}


def _copy_repository(dst: Path):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in files:
        if name.startswith(("data/", "models/", "eval/", "logs/", "reports/")) or name == "dvc.lock":
            continue  # outputs of a real run: the toy run must make its own
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, dst / name)


def test_dvc_repro_at_toy_scale(tmp_path, browser):
    repo = tmp_path / "repo"
    repo.mkdir()
    _copy_repository(repo)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    write_toy_corpus(repo / "toy", tracks=10, seconds=3.0)
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    for section, values in TOY_PARAMS.items():
        params[section] = {**params[section], **values} if isinstance(values, dict) else values
    (repo / "params.yaml").write_text(yaml.safe_dump(params))
    git = ["git", "-c", "user.name=ear_vae test", "-c", "user.email=test@example.invalid"]
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "toy"], cwd=repo, check=True)
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "OMP_NUM_THREADS": "2"}
    done = subprocess.run([f"{bin_dir}/dvc", "repro"], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])

    assert len(list((repo / "data" / "prepared" / "audio").rglob("*.flac"))) == 10
    assert len(list((repo / "data" / "test_clips").glob("*.wav"))) == 2
    runs = [(v, s) for v in VARIANTS for s in SEEDS] + [("sao", s) for s in AA_SEEDS]
    # one shared warm start (2 steps) that every variant at every seed continued
    assert (repo / "models/warmstart/checkpoint.pt").is_file() and not (repo / "models/warmstart/model.pyt").exists()
    assert yaml.safe_load((repo / "logs/warmstart/metrics.json").read_text())["step"] == 2
    warm = weights_digest(load_checkpoint(repo / "models/warmstart/checkpoint.pt")["generator"])
    for v, s in runs:
        for out in (f"models/{v}/seed{s}/checkpoint.pt", f"models/{v}/seed{s}/model.pyt", f"models/{v}/seed{s}/model_config.json",
                    f"logs/train/{v}/seed{s}/metrics.json", f"eval/{v}/seed{s}/per_file.csv", f"eval/{v}/seed{s}/metrics.json"):
            assert (repo / out).is_file(), out
        assert load_checkpoint(repo / f"models/{v}/seed{s}/checkpoint.pt")["started_from"]["generator_sha256"] == warm, (v, s)
        assert len(list((repo / "eval" / v / f"seed{s}" / "audio").glob("*.wav"))) == 1
        assert len(list((repo / "eval" / v / f"seed{s}" / "spectrograms").glob("*.png"))) == 1
        valid = yaml.safe_load((repo / f"logs/train/{v}/seed{s}/metrics.json").read_text())["valid"]
        assert {"mel_distance", "sao_loss"} <= set(valid), valid  # the common yardsticks
    # every seed is its own run: from the same warm start, other batches and noise give different scores
    mel = [pd.read_csv(repo / f"eval/sao/seed{s}/per_file.csv").mel_distance.tolist() for s in SEEDS + AA_SEEDS]
    assert len({tuple(m) for m in mel}) == len(mel)
    for codec in CODECS:
        assert (repo / "eval" / "codecs" / codec / "per_file.csv").is_file(), codec
    for out in ("reports/ablation.ipynb", "reports/ablation.md", "reports/sweep.csv", "reports/figures/metrics.png", "reports/figures/validation.png",
                *(f"reports/figures/spectrograms/{v}.png" for v in VARIANTS)):
        assert (repo / out).is_file(), out
    table = pd.read_csv(repo / "reports" / "ablation.csv")
    ours = table[table.group.str.startswith("ours")]
    assert sorted(ours.system) == sorted(VARIANTS) and (ours.clips == 2).all() and (ours.seeds == len(SEEDS)).all()
    assert set(CODECS) <= set(table.system)
    assert table.icpc.between(0, 1).all() and table.ccpc.between(0, 1).all(), table[["system", "icpc", "ccpc"]]  # fractions, as in per_file.csv
    control = table[table.system == "random_phase"]  # the chance level, scored on the same clips
    assert len(control) == 1 and control.group.iloc[0] == "control (random phase)" and (control.clips == 2).all()
    assert all((repo / "eval" / "control" / kind / "per_file.csv").is_file() for kind in ("random_phase", "mono_downmix"))
    warm = table[table.system == "warmstart"]  # the shared warm start scored like a model: the "no recipe" row
    assert len(warm) == 1 and warm.group.iloc[0] == "warm start (no recipe)" and (warm.clips == 2).all() and (warm.seeds == 1).all()
    report = (repo / "reports" / "ablation.md").read_text()
    for system in VARIANTS + list(CODECS):
        assert f"| {system} |" in report, system
    assert "| random_phase |" in report and "| mono_downmix |" in report and "### Against doing nothing" in report and "| Stereo |" in report
    for v in VARIANTS: assert f"- `{v}` " in report and "the stronger control on" in report, v  # a sentence per variant
    assert "## A/A check" in report and "| Mel |" in report  # the A/A table, one row per metric
    assert "## The ladder rung by rung" in report and "No two neighbouring rungs" in report   # sao and full are not neighbours
    for v in VARIANTS: assert f"| {v} − warm start |" in report, v   # what each recipe's own steps did
    for v in VARIANTS:  # the thd stages: every variant and seed, 6 stimuli each, then the codecs
        for s in SEEDS:
            assert len(pd.read_csv(repo / "eval" / "thd" / v / f"seed{s}.csv")) == 6, (v, s)
            sweep = pd.read_csv(repo / "eval" / "thd" / v / f"seed{s}_sweep.csv")   # 12 frequencies x 2 levels: peak and DC
            assert len(sweep) == 24 and {"peak_dbfs", "dc"} <= set(sweep.columns), (v, s)
    codecs_thd = pd.read_csv(repo / "eval" / "thd" / "codecs.csv")
    assert list(codecs_thd.system.unique()) == list(CODECS) and (codecs_thd[codecs_thd.system == "mp3_128"].thd_n_db < -60).all(), codecs_thd
    assert "## Harmonic distortion" in report and (repo / "reports" / "figures" / "thd.png").is_file()
    assert "## No blow-up" in report and "stimuli blowing up" in report
    listen = (repo / "reports" / "listen.html").read_text()  # the listening page: the kept clip, each system once
    for system in ["reference"] + VARIANTS + list(CODECS) + ["mono_downmix"]:   # the mono-downmix control is heard too
        assert listen.count(f'/{system}.flac"') == 1, system
    # a second repro has nothing to do
    again = subprocess.run([f"{bin_dir}/dvc", "status"], cwd=repo, env=env, capture_output=True, text=True)
    assert "up to date" in again.stdout, again.stdout

    # shared results (README, "Shared results"): push to a folder remote, commit, clone, pull: the clone gets what git does not hold
    for command in (["remote", "add", "-d", "shared", str(tmp_path / "remote")], ["push"]):
        done = subprocess.run([f"{bin_dir}/dvc", *command], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (command, done.stderr[-2000:])
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "results"], cwd=repo, check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    files = lambda folder: [str(p.relative_to(repo)) for p in sorted((repo / folder).rglob("*")) if p.is_file()]
    media = files("reports/listen") + [f"models/{v}/seed{s}/model.pyt" for v, s in runs] + [m for v, s in runs for m in files(f"eval/{v}/seed{s}/audio")]
    assert any(m.endswith(".flac") for m in media) and any(m.endswith(".wav") for m in media), media
    assert (clone / "reports" / "listen.html").is_file() and not any((clone / m).exists() for m in media)   # git alone: the page, not its audio
    done = subprocess.run([f"{bin_dir}/dvc", "pull"], cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    missing = [m for m in media if not (clone / m).is_file() or (clone / m).read_bytes() != (repo / m).read_bytes()]
    assert not missing, missing
    status = subprocess.run([f"{bin_dir}/dvc", "status"], cwd=clone, env=env, capture_output=True, text=True)
    assert "up to date" in status.stdout, status.stdout   # the clone holds the committed run, nothing to recompute
    # make push / make pull (scripts/dvc_share.sh) say what they did, and why when they did nothing or refused
    share = lambda where, action, **extra: subprocess.run(["bash", str(where / "scripts" / "dvc_share.sh"), action], cwd=where, capture_output=True,
                                                          text=True, timeout=600, env={**env, "DVC": f"{bin_dir}/dvc", **extra})
    done = share(repo, "push")
    assert done.returncode == 0 and "nothing new to push" in done.stdout, done.stdout + done.stderr
    bare = tmp_path / "bare_clone"   # no cache, and a default remote that holds nothing: nothing can be pushed, and it says why
    subprocess.run(["git", "clone", "-q", str(repo), str(bare)], check=True)
    subprocess.run([f"{bin_dir}/dvc", "remote", "add", "-f", "-d", "empty", str(tmp_path / "empty_remote")], cwd=bare, env=env, check=True, capture_output=True)
    done = share(bare, "push")
    assert done.returncode == 1 and "not in this clone's DVC cache and were not pushed" in done.stderr and "Missing cache files" not in done.stdout + done.stderr, done.stdout + done.stderr
    mine = clone / media[0]; mine.write_bytes(b"made here")   # an output that differs from dvc.lock (as a quickstart's data/prepared)
    done = share(clone, "pull")
    assert done.returncode == 1 and "would DELETE them" in done.stderr and mine.read_bytes() == b"made here", done.stdout + done.stderr
    mine.write_bytes((repo / media[0]).read_bytes())
    # and the clone's listening page plays: Chromium decodes every player's audio, no missing-media notice
    from conftest import served
    page = browser.new_page()
    with served(clone / "reports") as url:
        assert page.goto(f"{url}/listen.html").ok
        page.wait_for_load_state("load")
        decoded = page.evaluate("""async () => Promise.all([...document.querySelectorAll('audio')].map(async a =>
            (await new OfflineAudioContext(2, 44100, 44100).decodeAudioData(await (await fetch(a.src)).arrayBuffer())).numberOfChannels))""")
        images = page.evaluate("() => [...document.images].map(i => i.complete && i.naturalWidth > 0)")
        notice_hidden = page.evaluate("() => document.getElementById('missing-media').hidden")
    page.close()
    assert len(decoded) == 1 + len(VARIANTS) + len(CODECS) + 1 and set(decoded) == {2}, decoded   # reference, variants, codecs, mono downmix
    assert images and all(images) and notice_hidden, (images, notice_hidden)

    # the README's quick single-variant experiment, in the clone: a temporary copy runs it, the working tree stays as committed
    quick = ["exp", "run", "--temp", "-S", "seeds=[0]", "-S", "aa_seeds=[]", "-S", "variants=[sao]"]
    before = {name: (clone / name).read_bytes() for name in ("params.yaml", "dvc.lock", "reports/ablation.md")}
    done = subprocess.run([f"{bin_dir}/dvc", *quick], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    assert all((clone / name).read_bytes() == content for name, content in before.items())   # the committed result is untouched
    shown = subprocess.run([f"{bin_dir}/dvc", "exp", "show", "--no-pager", "--only-changed", "--drop", ".*", "--keep",
                            r"Experiment|seeds|variants|train\.steps", "--csv"], cwd=clone, env=env, capture_output=True, text=True)
    header, *rows = [line.split(",") for line in shown.stdout.strip().splitlines()]
    assert header[0] == "Experiment" and {"seeds", "variants"} <= set(header) and len(header) <= 5, shown.stdout   # a readable table
    experiment = [row for row in rows if row[0]]   # the workspace and HEAD rows have no experiment name
    assert len(experiment) == 1 and experiment[0][header.index("variants")] == "['sao']", shown.stdout
