"""Trainer behaviour across modules: exact resume, the non-finite guard, DDP under torchrun (CPU, gloo)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

from ear_vae.data import prepare_corpus
from ear_vae.trainer import NonFiniteLossError, Trainer, tiny_params, write_toy_corpus


@pytest.fixture(scope="module")
def toy_prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("toy")
    prepare_corpus([str(write_toy_corpus(root / "raw"))], root / "prepared", min_seconds=1.0,
                   valid_fraction=0.2, test_fraction=0.0, progress=False)
    return root / "prepared"


def _weights(run_dir):
    state = torch.load(run_dir / "checkpoint.pt", weights_only=False)
    return state["generator"], state["discriminator"], state["step"]


def test_resume_gives_identical_weights(toy_prepared, tmp_path):
    # 2N steps straight vs N steps, a stop (simulated kill after the checkpoint), and a restart of the
    # same command; N covers generator-only steps and N more cover both adversarial phases
    params = tiny_params(steps=6, disc_warmup_steps=2, checkpoint_every=100)
    Trainer(params, "full", toy_prepared, tmp_path / "straight", progress=False).run()
    first = Trainer(params, "full", toy_prepared, tmp_path / "resumed", progress=False).run(stop_at=3)
    assert first["step"] == 3 and not (tmp_path / "resumed" / "model.pyt").exists()
    second = Trainer(params, "full", toy_prepared, tmp_path / "resumed", progress=False).run()
    assert second["resumed"] and second["step"] == 6
    g1, d1, s1 = _weights(tmp_path / "straight")
    g2, d2, s2 = _weights(tmp_path / "resumed")
    assert s1 == s2 == 6
    for a, b in ((g1, g2), (d1, d2)):
        assert a.keys() == b.keys()
        for key in a:
            assert torch.equal(a[key], b[key]), key


def test_changed_params_start_afresh(toy_prepared, tmp_path):
    Trainer(tiny_params(steps=2), "kw", toy_prepared, tmp_path / "run", progress=False).run()
    result = Trainer(tiny_params(steps=3, gen_lr=1e-3), "kw", toy_prepared, tmp_path / "run", progress=False).run()
    assert not result["resumed"] and result["step"] == 3


def test_non_finite_losses_stop_training_with_a_clear_error(toy_prepared, tmp_path):
    trainer = Trainer(tiny_params(steps=10, max_nonfinite_steps=3, disc_warmup_steps=100), "full", toy_prepared,
                      tmp_path / "run", progress=False)
    original = trainer.reconstruction.forward

    def nan_phase(x_hat, x):
        total, terms = original(x_hat, x)
        terms["phase_gd"] = terms["phase_gd"] * float("nan")
        return sum(terms.values()), terms

    trainer.reconstruction.forward = nan_phase
    with pytest.raises(NonFiniteLossError, match=r"step 2: loss term 'rec_phase_gd' was non-finite for 3 steps in a row"):
        trainer.run()
    assert trainer.skipped == 3


def test_one_non_finite_step_is_skipped_and_counted(toy_prepared, tmp_path):
    trainer = Trainer(tiny_params(steps=3, disc_warmup_steps=100), "sao", toy_prepared, tmp_path / "run", progress=False)
    original, calls = trainer.reconstruction.forward, []

    def nan_once(x_hat, x):
        total, terms = original(x_hat, x)
        calls.append(1)
        if len(calls) == 2:
            terms["mag_sum"] = terms["mag_sum"] * float("inf")
        return sum(terms.values()), terms

    trainer.reconstruction.forward = nan_once
    before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    result = trainer.run()
    assert result["skipped"] == 1 and result["step"] == 3
    after = trainer.generator.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)
    assert all(torch.isfinite(v).all() for v in after.values())


def test_ddp_with_torchrun_on_cpu(toy_prepared, tmp_path):
    params = tiny_params(steps=3, checkpoint_every=100)
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29517",
           "-m", "ear_vae.cli", "train", "--params", str(params_file), "--variant", "full",
           "--data", str(toy_prepared), "--out", str(tmp_path / "ddp")]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.name for p in (tmp_path / "ddp").glob("*.p*")) == ["checkpoint.pt", "model.pyt"]
    state = torch.load(tmp_path / "ddp" / "checkpoint.pt", weights_only=False)
    assert state["step"] == 3
    assert "trained to step 3" in done.stdout and done.stdout.count("trained to step") == 1  # rank 0 alone reports
