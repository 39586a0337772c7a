"""On the CPU: the per-bin phase errors that `tests/test_cuda.py` compares CPU vs CUDA add up to the recipe's own terms,
so a change of the recipe's phase terms (e.g. the authors' wrap, 2026-12-06) cannot leave the GPU test checking something else."""
import pytest
import torch

from ear_vae.losses import ReconstructionLoss
from ear_vae.testing import music_like
from phase_bins import authors_phase_recipes, phase_differences, terms_from_bins


@pytest.mark.parametrize("recipe", authors_phase_recipes())
def test_per_bin_phase_errors_add_up_to_the_recipes_terms(recipe):
    x = music_like(seconds=1.5, seed=1)
    x_hat = x + 0.05 * torch.randn(x.shape, generator=torch.Generator().manual_seed(2))
    loss = ReconstructionLoss(recipe)
    bins = phase_differences(loss, x_hat, x)
    _, terms = loss(x_hat, x)
    expected = terms_from_bins(loss, bins)
    assert expected.keys() == {k for k in terms if k.startswith("phase_")}
    for name, value in expected.items():
        torch.testing.assert_close(terms[name], value, rtol=1e-6, atol=0)
    for b in bins:   # the mask the GPU test compares over keeps most bins (the test there asks > 90 %)
        for name in ("if", "gd"): assert b[name][1].float().mean() > 0.9, (recipe, name, b[name][1].float().mean())
