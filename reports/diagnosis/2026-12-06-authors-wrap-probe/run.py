import sys
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, "/tmp/s14/patched")
import ear_vae; assert ear_vae.__file__.startswith("/tmp/s14/patched"), ear_vae.__file__
if sys.argv[1] == "check":
    import math, torch, soundfile as sf
    import ear_vae.phase as P
    a, sr = sf.read("bundle/clips/test/A_New_Journey-acda7843.flac", frames=44100*3, start=44100*3, dtype="float32")
    x = torch.from_numpy(a.T.copy()).unsqueeze(0); torch.manual_seed(0)
    x_hat = (0.9 * x + 1e-3 * torch.randn_like(x)).requires_grad_()
    def stft_torch(x, n):   # their tools/losses.py stft_torch, on [B*C, T]
        s = torch.stft(x.reshape(-1, x.shape[-1]), n, n // 4, n, torch.hann_window(n), center=False, return_complex=True)
        return ((torch.angle(s) + torch.pi) % (2 * torch.pi) - torch.pi).transpose(2, 1)
    for n in (2048, 512):
        ph, pt = stft_torch(x_hat, n), stft_torch(x, n)
        theirs = {"gd": torch.nn.functional.l1_loss(torch.diff(ph, dim=-1), torch.diff(pt, dim=-1)), "if": torch.nn.functional.l1_loss(torch.diff(ph, dim=1), torch.diff(pt, dim=1))}
        ours = P.authors_phase_derivative_losses(x_hat, x, n, n // 4)
        for k in ("if", "gd"):
            go, gt = (torch.autograd.grad(v[k], x_hat, retain_graph=True)[0] for v in (ours, theirs))
            print(n, k, float(ours[k].detach()), float(theirs[k].detach()), float((go - gt).norm() / gt.norm()))
else:
    from ear_vae.cli import main
    sys.exit(main(sys.argv[1:]))
