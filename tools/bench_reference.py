#!/usr/bin/python3
"""PyTorch side of the engine benchmark: the same Zoom-CAM computation as the Java engine (one forward,
one backward of the top-1 score, all chosen layers, min-max normalise, bilinear upsample, max fusion),
with forward hooks on an eager torchvision model of the bundle's architecture.

    /usr/bin/python3 tools/bench_reference.py --bundle target/bench/vgg16 --arch vgg16 --batch 8

Prints one line: "python batch=B ms_per_image=X peak_rss_mb=Y". Run in its own process per
configuration so the peak memory belongs to that configuration alone.
"""
import argparse
import json
import os
import resource
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_cam  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bundle", required=True)
    p.add_argument("--arch", required=True)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=os.cpu_count(),
                   help="intra-op threads (Debian's torch starts with 1; the Java engine uses every core)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.bundle, "zoomcam.json")) as f:
        manifest = json.load(f)
    import torchvision.models as tvm
    constructor = getattr(tvm, args.arch)
    try:
        model = constructor(weights=None, num_classes=len(manifest["classes"]))
    except TypeError:
        model = constructor(pretrained=False, num_classes=len(manifest["classes"]))
    for m in model.modules():
        if hasattr(m, "inplace"):
            m.inplace = False
    model.eval()
    layers = [l["name"] for l in manifest["layers"]]
    inp = manifest["input"]
    torch.manual_seed(42)
    batch = torch.randn(args.batch, inp["channels"], inp["height"], inp["width"])
    ms = reference_cam.time_zoomcam(model, layers, batch, args.repeats, args.warmup)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("python batch=%d ms_per_image=%.1f peak_rss_mb=%.0f threads=%d torch=%s"
          % (args.batch, ms, peak, torch.get_num_threads(), torch.__version__))


if __name__ == "__main__":
    main()
