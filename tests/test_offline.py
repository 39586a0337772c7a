"""The offline GPU node's command, run here on the CPU with a tiny budget and the `demo` preset: the very script
a node runs (`scripts/offline_gpu_run.sh`), on a bundle made by `make_bundle` from a toy corpus."""
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import torch

from ear_vae.data import prepare_corpus, read_manifest
from ear_vae.evaluation import write_test_clips
from ear_vae.checkpoints import load_model
from ear_vae.bundle import MIB, OUT_LIMITS, check_out_folder, make_bundle, verify_bundle
from ear_vae.checkpoints import export_generator
from ear_vae.testing import write_toy_corpus

REPO = Path(__file__).resolve().parent.parent
BUDGET = 170


@pytest.fixture(scope="module")
def toy_bundle(tmp_path_factory):
    "A node's bundle made by `make_bundle` from a toy corpus (no wheels): (its folder's parent, the manifest)."
    root = tmp_path_factory.mktemp("node")
    write_toy_corpus(root / "raw", tracks=10, seconds=2.5)
    prepare_corpus([str(root / "raw")], root / "prepared", min_seconds=1.0, valid_fraction=0.2, test_fraction=0.2, progress=False)
    write_test_clips(root / "prepared", root / "clips", clips=2, clip_seconds=1.0)
    return root, make_bundle(root / "prepared", root / "clips", root / "bundle", wheels=False, repo=REPO, clip_seconds=1.0, progress=False)


def test_offline_node_script_on_cpu(toy_bundle, tmp_path):
    root, manifest = toy_bundle
    train = read_manifest(root / "prepared", "train")   # every training recording, as Ogg Vorbis, with what recoding cost
    assert verify_bundle(root / "bundle") == manifest and len(manifest["training_tracks"]) == len(train) >= 4
    assert all(t.endswith(".ogg") for t in manifest["training_tracks"]) and manifest["training_audio"].startswith("Ogg Vorbis")
    assert 0 < manifest["training_audio_cost"]["si_sdr"] < 60, manifest["training_audio_cost"]
    assert manifest["working_tree_bytes"] <= 8 * MIB and manifest["bundle_bytes"] <= 56 * MIB

    out = tmp_path / "out"
    env = {**os.environ, "EAR_VAE_BUNDLE": str(root / "bundle"), "PYTHON": sys.executable,
           "EAR_VAE_OFFLINE_ARGS": "--preset demo --batch 2 --segment 4096 --workers 1 --probe-seconds 5"}
    start = time.time()
    done = subprocess.run(["bash", str(REPO / "scripts" / "offline_gpu_run.sh"), str(out), str(BUDGET)], env=env,
                          capture_output=True, text=True, timeout=BUDGET + 60)
    elapsed = time.time() - start
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert elapsed <= BUDGET + 5, f"the run took {elapsed:.0f} s of a {BUDGET} s budget"

    names = sorted(p.name for p in out.iterdir())
    assert {"log.txt", "results.json", "per_file.csv", "ablation.png", "generators_fp16.pt.part0"} <= set(names), names
    assert check_out_folder(out) == [] and len(names) <= OUT_LIMITS["files"]
    results = json.loads((out / "results.json").read_text())
    assert results["preset"] == "demo" and results["steps"] >= 4 and results["card"] == "cpu"
    assert results["failure"] is None, results["failure"]
    # the shared warm start (half of the training time), the arms continuing it, and both controls on the same clips
    assert set(results["summary"]) == {"warmstart", "sao", "full", "sao_aa", "random_phase", "mono_downmix"}
    assert 4 <= results["warmstart_steps"] < results["steps"] and results["disc_warmup_steps"] == results["warmstart_steps"]
    warm = results["summary"].pop("warmstart")
    assert len(warm) == 1 and next(iter(warm.values()))["step"] == results["warmstart_steps"], warm
    controls = {kind: results["summary"].pop(kind) for kind in ("random_phase", "mono_downmix")}
    for control in controls.values():
        assert set(control) == {"0"} and control["0"]["step"] == 0 and "better_than_sao" not in control["0"], control
    assert controls["random_phase"]["0"]["metrics"]["si_sdr"]["mean"] < -15   # random phase: no correlation with the clip
    assert abs(controls["mono_downmix"]["0"]["metrics"]["stereo_image_error"]["mean"] - 1) < 1e-6   # mono: the side is gone
    for arm, checkpoints in results["summary"].items():
        assert len(checkpoints) == 4 and {"0", "1"} <= set(checkpoints), checkpoints.keys()   # step 0, a quarter and half of the arms' steps, the end
        assert all(results["warmstart_steps"] < c["step"] for k, c in checkpoints.items() if k != "0"), checkpoints
        assert checkpoints["1"]["step"] == results["steps"]
        assert (arm == "sao") == ("better_than_sao" not in checkpoints["1"])
    table = pd.read_csv(out / "per_file.csv")
    controls = table.arm.isin(["random_phase", "mono_downmix"])
    assert len(table[(table.split == "test") & ~controls & (table.arm != "warmstart")]) == 3 * 4 * 2   # arms x checkpoints x clips
    assert len(table[(table.split == "test") & (table.arm == "warmstart")]) == 2                    # the warm start: once per clip
    assert len(table[(table.split == "test") & controls]) == 2 * 2        # each control: once per clip
    assert "error" not in table.columns and table.mel_distance.notna().all()   # every clip was scored
    assert "probe:" in (out / "log.txt").read_text()

    model = load_model(export_generator(out, "full", tmp_path / "model" / "full.pyt"))
    with torch.no_grad():
        y = model.reconstruct(0.1 * torch.randn(2, 44100))
    assert y.shape == (2, 44100) and torch.isfinite(y).all()


def _toy_wheels_bundle(root: Path, pins) -> Path:
    "A bundle folder whose wheels/ holds empty files named as the wheels of `pins` (the preflight reads only their names)."
    (root / "wheels").mkdir(parents=True)
    (root / "manifest.json").write_text("{}")
    for pin in pins: (root / "wheels" / f"{pin.replace('==', '-')}-py3-none-any.whl").touch()
    return root


def test_node_run_without_a_needed_wheel_stops_first_naming_it(tmp_path):
    "The 2026-12-04 failure (no fastcore wheel): the node run stops before it installs or imports anything, in one line."
    from ear_vae.preflight import NODE_WHEELS
    bundle = _toy_wheels_bundle(tmp_path / "bundle", [w for w in NODE_WHEELS if not w.startswith("fastcore==")])
    env = {**os.environ, "EAR_VAE_BUNDLE": str(bundle), "PYTHON": sys.executable}
    start = time.time()
    done = subprocess.run(["bash", str(REPO / "scripts" / "offline_gpu_run.sh"), str(tmp_path / "out"), "60"], env=env,
                          capture_output=True, text=True, timeout=60)
    elapsed = time.time() - start
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "'fastcore'" in lines[0] and "ear_vae.model" in lines[0], done.stderr
    log = (tmp_path / "out" / "log.txt").read_text()
    assert "installing" not in log and "'fastcore'" in log, log          # nothing installed, nothing imported: the standard library only
    assert elapsed < 10, f"the node run took {elapsed:.1f} s to stop (the preflight itself imports no third-party package)"


def test_preflight_passes_with_the_real_wheel_list(tmp_path):
    bundle = _toy_wheels_bundle(tmp_path / "bundle", __import__("ear_vae.preflight").preflight.NODE_WHEELS)
    done = subprocess.run([sys.executable, "-m", "ear_vae.preflight", "--wheels", str(bundle / "wheels"), "--import-all"],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0 and "error" not in done.stderr, done.stderr
    assert done.stdout.startswith("preflight: imported "), done.stdout


KILLED_TRAINING = """
import os, torch
from ear_vae.offline import ClipScorer
from ear_vae.params import Evaluate
scorer = ClipScorer({"c": torch.zeros(2, 4410)}, {}, Evaluate(chunk_seconds=10.0, overlap_seconds=1.0), workers=2)
print(*sorted({f.result() for f in [scorer.pool.submit(os.getpid) for _ in range(8)]}), flush=True)   # the workers are up
os.kill(os.getpid(), 9)                                                                            # killed, as by the OOM killer
"""


def test_scoring_workers_leave_with_a_killed_training_process():
    """A node run killed on 2026-12-05 (out of memory: the GPU batch on a 24 GB CPU machine) left its scoring workers
    alive; they held the script's log pipe (`| tee`) open, and the script hung. Here the pipe is this test's: once the
    workers are up and their parent is killed, it must reach end-of-file within 30 s, which it does only when every
    process that inherited it has gone."""
    proc = subprocess.Popen([sys.executable, "-c", KILLED_TRAINING], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)   # its own process group: whatever it leaves behind can be killed here
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout.readlines()), daemon=True)
    try:
        started = time.time()
        while proc.poll() is None and time.time() - started < 120: time.sleep(0.1)   # up, then killed (start-up: its own limit)
        assert proc.returncode == -9, (proc.returncode, proc.stderr.read()[-2000:] if proc.returncode is not None else "")
        reader.start(); reader.join(timeout=30)
        assert not reader.is_alive(), "scoring workers still held the output pipe 30 s after their parent was killed"
        assert lines and lines[0].split(), lines   # the workers had started
    finally:
        try: os.killpg(proc.pid, 9)
        except ProcessLookupError: pass


def test_a_sticky_device_error_keeps_the_scores(toy_bundle, tmp_path, monkeypatch):
    """A sticky CUDA error (an illegal address, a device-side assert) raises again at every later synchronisation, the
    `finally` of the ablation's included: the step-0 scores, the log and the results must still be written. Simulated on
    the CPU by a `_sync` that raises every time (the probe's first timed step calls it)."""
    from ear_vae import offline
    from ear_vae.params import apply_overrides, load_params
    def sticky(device): raise RuntimeError("CUDA error: an illegal memory access was encountered\nCompile with TORCH_USE_CUDA_DSA ...")
    monkeypatch.setattr(offline, "_sync", sticky)
    params = apply_overrides(load_params(REPO / "params.yaml"), ["offline.preset=demo", "offline.batch_size=2", "offline.segment_samples=4096",
                                                                  "offline.score_workers=0", "offline.probe_seconds=5"])
    results = offline.paired_ablation(toy_bundle[0] / "bundle", tmp_path, time.time() + 120, params)
    assert results["failure"] == "RuntimeError: CUDA error: an illegal memory access was encountered", results["failure"]
    rows = pd.read_csv(tmp_path / "per_file.csv")
    assert set(rows["step"]) == {0} and {"sao", "full", "sao_aa", "mono_downmix"} <= set(rows["arm"]), rows[["arm", "step"]]
    assert (tmp_path / "ablation.png").stat().st_size > 0
