import torch, sys
from ear_vae.checkpoints import load_model
from ear_vae.data import SegmentDataset, StepBatches
from ear_vae.model import LatentRange
from ear_vae.thd import sine_sweep, blow_ups, reconstruction_process
torch.set_num_threads(1)
for ck in sys.argv[1:]:
    m = load_model(ck, "cpu")
    m.latent_range = LatentRange(64, 1.5)
    sb = StepBatches(SegmentDataset("data/prepared", "train", 16384, 4000, seed=0), 4, 0)
    m.train()
    for s in range(150): m.encode_distribution(sb.batch(s))
    m.eval()
    with torch.no_grad(): sw = sine_sweep(reconstruction_process(m, "cpu"))
    print(ck, "maxpeak %.1f maxdc %.4f" % (sw.peak_dbfs.max(), sw.dc.max()), "blowups", len(blow_ups(sw)), flush=True)
