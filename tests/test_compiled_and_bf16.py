"""The fast inference paths on the CPU, against float32 eager (the GPU measures their speed: `ear_vae.bench` levers)."""
import torch

from ear_vae.model import EarVAE, bf16_weights, folded_weight_norm, set_fused_activation, signal_preserving_init


def _model_and_clip():
    torch.manual_seed(0)
    model = signal_preserving_init(EarVAE.from_preset("demo")).eval()
    return model, 0.1 * torch.randn(1, 2, 43 * 1024)


def _round_trip(model, x):
    with torch.no_grad(): return model.decode(model.encode(x, sample=False))


def _relative_error(reference, y) -> float:
    return ((y.double() - reference.double()).norm() / reference.double().norm()).item()


def test_a_compiled_model_with_the_fused_activation_runs_and_agrees():
    "A whole-model compile of a fused model failed on an H200 (maybe_mark_dynamic traced inside the fused function): inside the compiled region the activation is the plain formula."
    model, x = _model_and_clip()
    reference = _round_trip(model, x)
    net = set_fused_activation(folded_weight_norm(model))
    net.encoder, net.decoder = torch.compile(net.encoder), torch.compile(net.decoder)
    y = _round_trip(net, x)
    # float32 throughout: the compiler reorders sums (measured 8e-7 relative on 2 cores); 1e-5 is ten float32 roundings per layer's worth
    assert y.dtype == torch.float32 and _relative_error(reference, y) <= 1e-5, _relative_error(reference, y)


def test_a_bf16_model_runs_with_a_float32_head_and_agrees():
    "`model.to(torch.bfloat16)` failed in conv1d (Snake-beta handed float32 to a bf16 convolution)."
    model, x = _model_and_clip()
    reference = _round_trip(model, x)
    plain = model.to(torch.bfloat16)   # every weight bf16: runs end to end, output bf16
    assert _round_trip(plain, x.bfloat16()).dtype == torch.bfloat16
    model, x = _model_and_clip()
    net = bf16_weights(model)
    assert net.decoder.layers[-2].weight.dtype == torch.float32 and net.encoder.layers[0].weight.dtype == torch.bfloat16
    y = _round_trip(net, x.bfloat16())
    # bf16 keeps 8 mantissa bits: one rounding is -48 dB, the demo's ~30 layers in series give ~36 dB (measured 36.2);
    # the bound, 30 dB SNR, is a relative error of 0.032
    assert y.dtype == torch.float32 and _relative_error(reference, y) <= 10 ** (-30 / 20), _relative_error(reference, y)
    long = 0.1 * torch.randn(2, 3 * 44100)
    with torch.no_grad():
        chunked = net.reconstruct(long, chunk_seconds=1.0, overlap_seconds=0.25)
        assert chunked.dtype == torch.float32 and _relative_error(model.reconstruct(long, chunk_seconds=1.0, overlap_seconds=0.25), chunked) <= 10 ** (-30 / 20)
