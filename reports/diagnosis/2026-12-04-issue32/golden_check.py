"""The official-architecture golden vectors (tests' official_small_golden.pt, produced elsewhere; the repo's test tolerance is 1e-5):
the options off give the unmodified code's output bit for bit; with them on, how far the output moves."""
import sys; sys.path.insert(0, "/tmp/diag")
from common import *
from ear_vae.model import EarVAE
from sine_response import dc_block
g = torch.load("/work/shared/golden/official_small_golden.pt", weights_only=True)
m = EarVAE.from_state_dict(g["state_dict"], g["config"]).eval()
run = lambda: m.decode(m.encode_distribution(g["input"])[0])
with torch.no_grad(): y0 = run()
print(f"unmodified code: max |decoded - golden| = {(y0 - g['decoded_from_mean']).abs().max().item():.2e} (repo test: < 1e-5)")
rel = lambda a, b: 20 * math.log10(float((a - b).pow(2).sum().sqrt() / b.pow(2).sum().sqrt()))
yb = dc_block(y0, 10.0)
print(f"output 10 Hz high-pass ON: difference {rel(yb, y0):.1f} dB re output (2048-sample vectors: mostly the filter's start-up transient)")
set_dcfree(m.decoder)
with torch.no_grad(): y2 = run()
print(f"decoder DC-free Snake-beta ON: difference {rel(y2, y0):.1f} dB re output, max |diff| {(y2 - y0).abs().max().item():.3e}")
set_dcfree(m.decoder, False)
with torch.no_grad(): y3 = run()
print("switched OFF again: bit-identical to the unmodified code:", torch.equal(y3, y0), f"| max |decoded - golden| = {(y3 - g['decoded_from_mean']).abs().max().item():.2e}")
set_dcfree(m.encoder)
with torch.no_grad(): y4 = run()
print(f"encoder DC-free Snake-beta ON: difference {rel(y4, y0):.1f} dB re output, max |diff| {(y4 - y0).abs().max().item():.3e}")
set_dcfree(m.encoder, False)
with torch.no_grad(): y5 = run()
print("encoder variant switched OFF again: bit-identical to the unmodified code:", torch.equal(y5, y0))
