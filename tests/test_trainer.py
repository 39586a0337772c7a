"""Trainer behaviour across modules: exact resume, the non-finite guard, DDP under torchrun (CPU, gloo)."""
import os
import subprocess
import sys

import pytest
import torch
import yaml

from ear_vae.data import prepare_corpus
from ear_vae.trainer import NonFiniteLossError, Trainer, Until, fit, train, training_batches
from ear_vae.testing import tiny_params, write_toy_corpus


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
    train(params, "full", toy_prepared, tmp_path / "straight", progress=False)
    first = train(params, "full", toy_prepared, tmp_path / "resumed", progress=False, stop_at=3)
    assert first["step"] == 3 and not (tmp_path / "resumed" / "model.pyt").exists()
    second = train(params, "full", toy_prepared, tmp_path / "resumed", progress=False)
    assert second["resumed"] and second["step"] == 6
    g1, d1, s1 = _weights(tmp_path / "straight")
    g2, d2, s2 = _weights(tmp_path / "resumed")
    assert s1 == s2 == 6
    for a, b in ((g1, g2), (d1, d2)):
        assert a.keys() == b.keys()
        for key in a:
            assert torch.equal(a[key], b[key]), key


def test_changed_training_math_starts_afresh(toy_prepared, tmp_path, caplog):
    # a change of the training math (here the generator's learning rate) starts afresh and names the key (logged)
    caplog.set_level("INFO", logger="ear_vae")
    train(tiny_params(steps=2), "kw", toy_prepared, tmp_path / "run", progress=False)
    result = train(tiny_params(steps=3, gen_lr=5e-4), "kw", toy_prepared, tmp_path / "run", progress=False)
    assert not result["resumed"] and result["step"] == 3
    assert "other training params (train.gen_lr); starting afresh" in caplog.text


def test_non_finite_losses_stop_training_with_a_clear_error(toy_prepared, tmp_path):
    params = tiny_params(steps=10, max_nonfinite_steps=3, disc_warmup_steps=100)
    trainer = Trainer(params, "full")
    original = trainer.reconstruction.forward

    def nan_phase(x_hat, x):
        total, terms = original(x_hat, x)
        terms["phase_gd"] = terms["phase_gd"] * float("nan")
        return sum(terms.values()), terms

    trainer.reconstruction.forward = nan_phase
    with pytest.raises(NonFiniteLossError, match=r"step 2: loss term 'rec_phase_gd' was non-finite for 3 steps in a row"):
        fit(trainer, training_batches(params, toy_prepared).stream(), Until(steps=10))
    assert trainer.skipped == 3 and trainer.step == 3


def test_one_non_finite_step_is_skipped_and_counted(toy_prepared, tmp_path):
    params = tiny_params(steps=3, disc_warmup_steps=100)
    trainer = Trainer(params, "sao")
    original, calls = trainer.reconstruction.forward, []

    def nan_once(x_hat, x):
        total, terms = original(x_hat, x)
        calls.append(1)
        if len(calls) == 2:
            terms["mag_sum"] = terms["mag_sum"] * float("inf")
        return sum(terms.values()), terms

    trainer.reconstruction.forward = nan_once
    before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    result = fit(trainer, training_batches(params, toy_prepared).stream(), Until(steps=3))
    assert result["skipped"] == {"sao": 1} and result["step"] == 3 and len(calls) == 3
    after = trainer.generator.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)
    assert all(torch.isfinite(v).all() for v in after.values())


def test_ddp_with_torchrun_on_cpu(toy_prepared, tmp_path):
    params = tiny_params(steps=3, checkpoint_every=100)
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params.to_dict()))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29517",
           "-m", "ear_vae.cli", "train", "--params", str(params_file), "--recipe", "full",
           "--data", str(toy_prepared), "--out", str(tmp_path / "ddp")]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.name for p in (tmp_path / "ddp").glob("*.p*")) == ["checkpoint.pt", "model.pyt"]
    state = torch.load(tmp_path / "ddp" / "checkpoint.pt", weights_only=False)
    assert state["step"] == 3
    assert "trained to step 3" in done.stdout and done.stdout.count("trained to step") == 1  # rank 0 alone reports


def test_two_nodes_over_loopback_train_as_one_world(toy_prepared, tmp_path):
    # `torchrun --nnodes 2` with a c10d rendezvous endpoint, both "nodes" on this machine (gloo over loopback): the world
    # is 2, rank 0 (on whichever node the rendezvous made it) alone writes the checkpoint and reports; the weights equal a
    # one-node run with two processes, the same world
    params = tiny_params(steps=3, checkpoint_every=100)
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params.to_dict()))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    train_args = ["-m", "ear_vae.cli", "train", "--params", str(params_file), "--recipe", "full", "--data", str(toy_prepared)]
    nodes = [subprocess.Popen([sys.executable, "-m", "torch.distributed.run", "--nnodes", "2", "--nproc_per_node", "1",
                               "--rdzv_backend", "c10d", "--rdzv_endpoint", "127.0.0.1:29541", "--rdzv_id", "ear_vae_test",
                               *train_args, "--out", str(tmp_path / "two_nodes")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [node.communicate(timeout=600) for node in nodes]
    assert all(node.returncode == 0 for node in nodes), [err[-2000:] for _, err in outputs]
    assert sum(out.count("trained to step 3") for out, _ in outputs) == 1
    one_node = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29543",
                               *train_args, "--out", str(tmp_path / "one_node")], capture_output=True, text=True, env=env, timeout=600)
    assert one_node.returncode == 0, one_node.stderr[-2000:]
    _assert_same_weights(tmp_path / "two_nodes", tmp_path / "one_node")


def _assert_same_weights(run_a, run_b):
    for a, b in zip(_weights(run_a)[:2], _weights(run_b)[:2]):
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_extending_a_run_resumes_it_bit_for_bit(toy_prepared, tmp_path):
    # train.steps (and intervals, workers, keep_every) do not change the training math: 2 steps, then steps=4, equals 4 straight
    straight = train(tiny_params(steps=4, disc_warmup_steps=1), "full", toy_prepared, tmp_path / "straight", progress=False)
    train(tiny_params(steps=2, disc_warmup_steps=1), "full", toy_prepared, tmp_path / "extended", progress=False)
    extended = train(tiny_params(steps=4, disc_warmup_steps=1, log_every=3, checkpoint_every=5, keep_every=2),
                       "full", toy_prepared, tmp_path / "extended", progress=False)
    assert extended["resumed"] and extended["step"] == straight["step"] == 4
    _assert_same_weights(tmp_path / "straight", tmp_path / "extended")
    assert (tmp_path / "extended" / "checkpoint_step4.pt").is_file() and not (tmp_path / "extended" / "checkpoint_step3.pt").exists()


def test_dataloader_workers_and_preload_give_the_same_run(toy_prepared, tmp_path):
    # batches are a pure function of (seed, step, rank): workers, a kill and a resume, and preloading change nothing
    train(tiny_params(steps=4, disc_warmup_steps=1), "sao", toy_prepared, tmp_path / "plain", progress=False)
    params = tiny_params(steps=4, disc_warmup_steps=1, num_workers=2, preload=True)
    train(params, "sao", toy_prepared, tmp_path / "workers", progress=False, stop_at=2)
    assert train(params, "sao", toy_prepared, tmp_path / "workers", progress=False)["resumed"]
    _assert_same_weights(tmp_path / "plain", tmp_path / "workers")


def test_a_non_logging_step_syncs_with_the_host_at_most_once(toy_prepared, tmp_path, monkeypatch):
    params = tiny_params(steps=10, disc_warmup_steps=1)
    trainer, batches = Trainer(params, "full"), [training_batches(params, toy_prepared).batch(step) for step in range(3)]
    # the ways a tensor's value reaches Python, each a wait for the device on CUDA: .item(), .tolist(), .numpy(), bool(),
    # float(), int() and index() (`if t:` and `f"{t:.3f}"` go through these). Syncs inside torch (.cpu(), a boolean mask,
    # nonzero) do not pass here: tests/test_cuda.py counts them all with CUDA's sync debug mode
    calls = []
    for name in ("item", "tolist", "numpy", "__bool__", "__float__", "__int__", "__index__"):
        original = getattr(torch.Tensor, name)
        monkeypatch.setattr(torch.Tensor, name, lambda self, *a, _original=original, _name=name, **k: calls.append(_name) or _original(self, *a, **k))
    for step in range(3):  # generator-only, adversarial generator, discriminator
        calls.clear()
        assert trainer.training_step(batches[step])
        assert len(calls) <= 1, f"step {step}: {len(calls)} values read by the host: {calls}"


def test_a_non_finite_gradient_norm_skips_the_step(toy_prepared, tmp_path):
    params = tiny_params(steps=3, disc_warmup_steps=100)
    trainer, batches = Trainer(params, "sao"), training_batches(params, toy_prepared)
    before = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    hook = trainer.generator.encoder.layers[0].parametrizations.weight.original1.register_hook(lambda g: g * float("nan"))
    assert trainer.training_step(batches.batch(0)) == {} and trainer.skipped == 1 and trainer.step == 1
    assert all(torch.equal(before[k], v) for k, v in trainer.generator.state_dict().items())
    hook.remove()
    assert trainer.training_step(batches.batch(1)) and trainer.skipped == 1
