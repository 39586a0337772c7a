"""CUDA checks (marked `cuda`; skipped on machines without a GPU, such as CI): CPU-vs-CUDA parity of every loss
term and of the model, a bf16 training step of the `small` preset, and `torchrun` with NCCL. The offline node run
(`scripts/offline_gpu_run.sh`) runs them first; on a GPU machine: `pytest -m cuda tests/test_cuda.py`."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
import yaml

from ear_vae.data import prepare_corpus
from ear_vae.losses import RECIPES, ReconstructionLoss
from ear_vae.model import EarVAE, signal_preserving_init
from ear_vae.phase import music_like
from ear_vae.trainer import Trainer, as_floats, tiny_params, training_batches, write_toy_corpus

pytestmark = [pytest.mark.cuda, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]


@pytest.fixture(autouse=True)
def exact_float32():
    "TF32 off: parity is checked for float32 arithmetic, not for the tensor cores' 10-bit mantissa."
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


@pytest.fixture(scope="module")
def toy_prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("toy")
    prepare_corpus([str(write_toy_corpus(root / "raw", seconds=4.0))], root / "prepared", min_seconds=1.0,
                   valid_fraction=0.2, test_fraction=0.0, progress=False)
    return root / "prepared"


@pytest.mark.parametrize("recipe", list(RECIPES))
def test_loss_terms_cpu_cuda_parity(recipe):
    x = music_like(seconds=1.5, seed=1)
    x_hat = x + 0.05 * torch.randn(x.shape, generator=torch.Generator().manual_seed(2))
    loss = ReconstructionLoss(recipe)
    total_cpu, terms_cpu = loss(x_hat, x)
    total_gpu, terms_gpu = loss.cuda()(x_hat.cuda(), x.cuda())
    assert terms_cpu.keys() == terms_gpu.keys()
    for name in terms_cpu:
        a, b = terms_cpu[name].item(), terms_gpu[name].item()
        assert abs(a - b) <= 1e-4 * abs(a), f"{recipe}/{name}: CPU {a} vs CUDA {b}"
    assert abs(total_cpu.item() - total_gpu.item()) <= 1e-4 * abs(total_cpu.item())


def test_model_outputs_cpu_cuda_parity():
    torch.manual_seed(0)
    model = EarVAE.from_preset("small")
    signal_preserving_init(model)
    model.eval()
    x = music_like(seconds=1.0)[..., : 43 * 1024]
    with torch.no_grad():
        cpu = model.decode(model.encode(x, sample=False))
        gpu = model.cuda().decode(model.encode(x.cuda(), sample=False)).cpu()
    rel = ((cpu - gpu).norm() / cpu.norm()).item()
    assert rel <= 1e-4, f"relative difference {rel:.2e}"


def test_bf16_training_step_small_is_finite(toy_prepared, tmp_path):
    params = tiny_params(steps=4, disc_warmup_steps=1, device="cuda", bf16=True, segment_samples=65536, batch_size=4)
    params["model"]["preset"] = "small"
    trainer, batches = Trainer(params, "full"), training_batches(params, toy_prepared)
    logged = [as_floats(trainer.training_step(batches.batch(step))) for step in range(3)]  # generator-only, adversarial generator, discriminator
    assert all(logged), "a step was skipped as non-finite"
    assert all(np.isfinite(v) for values in logged for v in values.values()), logged
    assert "adversarial" in logged[1] and "disc_hinge" in logged[2]


def test_torchrun_nccl_trains_three_steps(toy_prepared, tmp_path):
    params = tiny_params(steps=3, checkpoint_every=100, device="cuda")
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params))
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "1", "--master_port", "29531",
           "-m", "ear_vae.cli", "train", "--params", str(params_file), "--recipe", "full",
           "--data", str(toy_prepared), "--out", str(tmp_path / "ddp")]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    state = torch.load(tmp_path / "ddp" / "checkpoint.pt", weights_only=False)
    assert state["step"] == 3 and torch.distributed.is_nccl_available()


def test_a_killed_cuda_run_resumes(toy_prepared, tmp_path):
    # the RNG state of a checkpoint is restored on the CPU wherever the run trains; GPU kernels are not bit-reproducible,
    # so the resumed weights are compared with a straight run's within float tolerance
    from ear_vae.io import load_checkpoint
    from ear_vae.trainer import train
    params = tiny_params(steps=4, disc_warmup_steps=1, device="cuda", checkpoint_every=100)
    train(params, "full", toy_prepared, tmp_path / "straight", progress=False)
    assert train(params, "full", toy_prepared, tmp_path / "resumed", progress=False, stop_at=2)["step"] == 2
    assert train(params, "full", toy_prepared, tmp_path / "resumed", progress=False)["resumed"]
    a, b = (load_checkpoint(tmp_path / run / "checkpoint.pt") for run in ("straight", "resumed"))
    for key in a["generator"]:
        torch.testing.assert_close(a["generator"][key], b["generator"][key], rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_fused_snake_beta_on_cuda_equals_the_lean_one(dtype):
    from ear_vae.model import snake_beta
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(4, 32, 8192, device="cuda", generator=g).to(dtype)
    alpha, beta = 0.5 * torch.randn(32, device="cuda", generator=g), 0.5 * torch.randn(32, device="cuda", generator=g)
    upstream = torch.randn(4, 32, 8192, device="cuda", generator=g)
    out = {}
    for fused in (True, False):
        xi, a, b = x.clone().requires_grad_(), alpha.clone().requires_grad_(), beta.clone().requires_grad_()
        y = snake_beta(xi, a, b, fused=fused)
        out[fused] = (y, *torch.autograd.grad((y.float() * upstream).sum(), (xi, a, b)))
    (yf, gxf, gaf, gbf), (yl, gxl, gal, gbl) = out[True], out[False]
    assert yf.dtype == dtype and gxf.dtype == dtype
    tol = 1e-6 if dtype == torch.float32 else 2 ** -8    # the tolerances stated in nbs/04_model.ipynb
    torch.testing.assert_close(yf.float(), yl.float(), rtol=tol, atol=1e-6)
    torch.testing.assert_close(gxf.float(), gxl.float(), rtol=2 * tol, atol=1e-6)
    for gf, gl in ((gaf, gal), (gbf, gbl)):
        assert ((gf - gl).norm() / gl.norm()).item() <= (1e-5 if dtype == torch.float32 else 2 ** -8)
