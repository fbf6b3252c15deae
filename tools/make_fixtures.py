#!/usr/bin/python3
"""Makes the committed test fixtures: a tiny CNN bundle with fixed random weights, two test images and
the expected maps from the independent reference (tools/reference_cam.py).

Run once from the repository root with Debian's python3-torch (1.13):
    /usr/bin/python3 tools/make_fixtures.py                 # everything: bundle, images, expected maps
    /usr/bin/python3 tools/make_fixtures.py --methods-only  # only expected/methods.npz, from the committed
                                                            # bundle and images (model.pt stays unchanged)
Outputs go to src/test/resources/fixtures/. CI never runs this; it only reads the outputs.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_model  # noqa: E402
import reference_cam  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures")
CLASSES = ["nucleus", "rod", "ring", "puncta", "debris"]
INPUT_HW = (48, 48)
MEAN = [0.5, 0.45, 0.4]
STD = [0.25, 0.2, 0.3]
VALUE_RANGE = {"8bit": [0, 255], "16bit": [0, 65535], "32bit": "min-max"}


class TinyNet(nn.Module):
    def __init__(self, n_classes=len(CLASSES)):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
            nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 24, 3, padding=1), nn.ReLU(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(24, n_classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def make_model():
    torch.manual_seed(20201)
    model = TinyNet()
    bn = model.features[3]
    with torch.no_grad():
        # Non-trivial running statistics: a model run in training mode by mistake gives other logits.
        bn.running_mean.copy_(torch.randn(8) * 0.3)
        bn.running_var.copy_(torch.rand(8) + 0.5)
        bn.weight.copy_(torch.rand(8) + 0.5)
        bn.bias.copy_(torch.randn(8) * 0.1)
    return model.eval()


def make_images():
    rng = np.random.default_rng(7)
    h, w = 41, 57
    yy, xx = np.mgrid[0:h, 0:w]
    rgb = np.zeros((h, w, 3), np.float64)
    for cy, cx, r, ch in [(12, 15, 6, 0), (28, 40, 9, 1), (30, 12, 4, 2), (8, 45, 3, 0)]:
        rgb[..., ch] += 200 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
    rgb += rng.normal(20, 6, rgb.shape)
    rgb8 = np.clip(rgb, 0, 255).astype(np.uint8)

    h2, w2 = 50, 64
    yy, xx = np.mgrid[0:h2, 0:w2]
    grey = 3000 + 40000 * np.exp(-((yy - 20) ** 2 + (xx - 44) ** 2) / (2 * 7.0 ** 2))
    grey += 15000 * ((np.abs(yy - 35) < 3) & (xx > 8) & (xx < 30))
    grey += rng.normal(0, 500, grey.shape)
    grey16 = np.clip(grey, 0, 65535).astype(np.uint16)
    return rgb8, grey16


def to_planes(rgb8=None, grey16=None):
    if rgb8 is not None:
        return rgb8.astype(np.float32).transpose(2, 0, 1), 8
    g = grey16.astype(np.float32)
    return np.stack([g, g, g]), 16


def save_case(path, entries):
    np.savez_compressed(path, **{k: np.asarray(v, dtype=np.float32) for k, v in entries.items()})


def run_case(model, layer_names, gradcam_layer, planes, bit_depth, targets_fn, prefix, entries, aggregation="max"):
    x = reference_cam.preprocess(planes, bit_depth, VALUE_RANGE, MEAN, STD, INPUT_HW)
    original_hw = planes.shape[1:]
    with torch.no_grad():
        logits = model(x)[0]
    targets = targets_fn(logits)
    logits_np, results = reference_cam.explain(model, layer_names, x, targets, original_hw, gradcam_layer,
                                               aggregation)
    entries[prefix + "logits"] = logits_np
    entries[prefix + "targets"] = np.array(targets)
    for k, r in enumerate(results):
        p = "%st%d_" % (prefix, k)
        entries[p + "score"] = np.array([r["score"]])
        for i, raw in enumerate(r["raw"]):
            entries[p + "raw%d" % i] = raw
        entries[p + "layers_input"] = r["layers_input"]
        entries[p + "layers_original"] = r["layers_original"]
        entries[p + "zoomcam_input"] = r["zoomcam_input"]
        entries[p + "zoomcam_original"] = r["zoomcam_original"]
        entries[p + "gradcam_raw"] = r["gradcam"]["raw"]
        entries[p + "gradcam_input"] = r["gradcam"]["input"]
        entries[p + "gradcam_original"] = r["gradcam"]["original"]


def read_images():
    """The committed test images as the reference sees them (the same pixels the Java side reads)."""
    rgb8 = np.array(Image.open(os.path.join(ROOT, "images", "cells_rgb.png")).convert("RGB"))
    grey16 = np.array(Image.open(os.path.join(ROOT, "images", "cells_grey16.tif"))).astype(np.uint16)
    return to_planes(rgb8=rgb8), to_planes(grey16=grey16)


METHODS = ("zoomcam", "gradcam", "gradcampp", "hirescam", "xgradcam", "layercam", "scorecam")
# Score-CAM channel limit of the "limited" cases: fewer than the 24 channels of features.12, at a cut with
# a clear variance gap on both test images (reference_cam.choose_channels checks it).
SCORECAM_LIMIT = 10


def run_methods_case(model, layer_names, gradcam_layer, planes, bit_depth, targets_fn, prefix, entries,
                     aggregation="max", scorecam_channels=0, output_kind="softmax", methods=METHODS):
    x = reference_cam.preprocess(planes, bit_depth, VALUE_RANGE, MEAN, STD, INPUT_HW)
    with torch.no_grad():
        logits = model(x)[0]
    probabilities = torch.sigmoid(logits) if output_kind == "sigmoid" else torch.softmax(logits, 0)
    targets = targets_fn(probabilities)
    logits_np, results = reference_cam.explain_methods(
        model, layer_names, x, targets, planes.shape[1:], gradcam_layer, aggregation, scorecam_channels,
        output_kind, methods)
    entries[prefix + "logits"] = logits_np
    entries[prefix + "targets"] = np.array(targets)
    for k, per_method in enumerate(results):
        for method, maps in per_method.items():
            p = "%st%d_%s_" % (prefix, k, method)
            for i, raw in enumerate(maps["raw"]):
                entries[p + "raw%d" % i] = raw
                if float(np.abs(raw).max()) == 0.0:
                    print("warning: %sraw%d is all zero; the test of it checks little" % (p, i))
            entries[p + "layers_input"] = maps["layers_input"]
            entries[p + "layers_original"] = maps["layers_original"]
            entries[p + "input"] = maps["input"]
            entries[p + "original"] = maps["original"]


def make_method_fixtures(model=None):
    """expected/methods.npz: every CAM method on the committed bundle and images."""
    bundle_dir = os.path.join(ROOT, "tiny-bundle")
    with open(os.path.join(bundle_dir, "zoomcam.json")) as f:
        manifest = json.load(f)
    model = model if model is not None else make_model()
    # The eager model must be the one in the committed bundle: same weights, same test logits.
    test_input = torch.from_numpy(np.load(os.path.join(bundle_dir, "test_input.npy")))
    with torch.no_grad():
        drift = (model(test_input)[0] - torch.tensor(manifest["test"]["expected_logits"])).abs().max().item()
    if drift > 1e-6:
        raise SystemExit("error: make_model() no longer reproduces the committed bundle (logit drift %g)" % drift)
    layer_names = [l["name"] for l in manifest["layers"]]
    gradcam_layer = manifest["gradcam_layer"]
    (rgb_planes, rgb_bits), (grey_planes, grey_bits) = read_images()

    def top(k):
        return lambda p: [int(i) for i in torch.argsort(p, descending=True)[:k]]

    e = {"scorecam_limit": np.array([SCORECAM_LIMIT])}
    # One image, top-1, default layers, max fusion; Score-CAM over all 24 channels.
    run_methods_case(model, layer_names, gradcam_layer, rgb_planes, rgb_bits, top(1), "single_", e)
    # Two images of different sizes in one batch, two targets each; Score-CAM over all channels.
    run_methods_case(model, layer_names, gradcam_layer, rgb_planes, rgb_bits, top(2), "batch_img0_", e)
    run_methods_case(model, layer_names, gradcam_layer, grey_planes, grey_bits, top(2), "batch_img1_", e)
    # Score-CAM with the channel limit, on both images (top-2).
    for i, (planes, bits) in enumerate([(rgb_planes, rgb_bits), (grey_planes, grey_bits)]):
        run_methods_case(model, layer_names, gradcam_layer, planes, bits, top(2), "limit_img%d_" % i, e,
                         scorecam_channels=SCORECAM_LIMIT, methods=("scorecam",))
    # A multi-label reading of the same network: Score-CAM on sigmoid probabilities.
    run_methods_case(model, layer_names, gradcam_layer, rgb_planes, rgb_bits, top(1), "sigmoid_", e,
                     output_kind="sigmoid", methods=("scorecam",))
    # Another layer choice: single-layer methods at features.9, Layer-CAM over features.4 and features.9
    # fused by the mean.
    run_methods_case(model, ["features.4", "features.9"], "features.9", rgb_planes, rgb_bits, top(1), "layer9_",
                     e, aggregation="mean")
    save_case(os.path.join(ROOT, "expected", "methods.npz"), e)
    print("expected/methods.npz written (%d arrays)" % len(e))


def main():
    if "--methods-only" in sys.argv[1:]:
        make_method_fixtures()
        return
    os.makedirs(os.path.join(ROOT, "expected"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "images"), exist_ok=True)
    model = make_model()
    bundle_dir = os.path.join(ROOT, "tiny-bundle")
    export_model.export_bundle(make_model(), bundle_dir, CLASSES, layers="auto", input_shape=(3,) + INPUT_HW,
                               name="tiny-fixture", description="5-class tiny CNN with fixed random weights "
                               "(tools/make_fixtures.py); for tests only, its maps mean nothing.",
                               output_kind="softmax", mean=MEAN, std=STD, value_ranges=VALUE_RANGE)
    with open(os.path.join(bundle_dir, "zoomcam.json")) as f:
        manifest = json.load(f)
    layer_names = [l["name"] for l in manifest["layers"]]
    gradcam_layer = manifest["gradcam_layer"]

    rgb8, grey16 = make_images()
    Image.fromarray(rgb8, "RGB").save(os.path.join(ROOT, "images", "cells_rgb.png"))
    Image.fromarray(grey16).save(os.path.join(ROOT, "images", "cells_grey16.tif"))
    # Read back what was written, so the reference sees exactly the pixels the Java side reads.
    rgb8 = np.array(Image.open(os.path.join(ROOT, "images", "cells_rgb.png")).convert("RGB"))
    grey16 = np.array(Image.open(os.path.join(ROOT, "images", "cells_grey16.tif"))).astype(np.uint16)
    rgb_planes, rgb_bits = to_planes(rgb8=rgb8)
    grey_planes, grey_bits = to_planes(grey16=grey16)

    def top(k):
        return lambda logits: [int(i) for i in torch.argsort(logits, descending=True)[:k]]

    single = {"layer_names": np.arange(len(layer_names))}
    run_case(model, layer_names, gradcam_layer, rgb_planes, rgb_bits, top(1), "", single)
    run_case(model, layer_names, gradcam_layer, rgb_planes, rgb_bits, top(1), "mean_", single, aggregation="mean")
    save_case(os.path.join(ROOT, "expected", "single_top1.npz"), single)

    several = {}
    run_case(model, layer_names, gradcam_layer, rgb_planes, rgb_bits, lambda _l: [0, 2, 4], "", several)
    save_case(os.path.join(ROOT, "expected", "several_classes.npz"), several)

    batch = {}
    run_case(model, layer_names, gradcam_layer, rgb_planes, rgb_bits, top(2), "img0_", batch)
    run_case(model, layer_names, gradcam_layer, grey_planes, grey_bits, top(2), "img1_", batch)
    save_case(os.path.join(ROOT, "expected", "batch_top2.npz"), batch)
    make_method_fixtures(model)
    print("fixtures written to %s (layers: %s)" % (os.path.abspath(ROOT), ", ".join(layer_names)))


if __name__ == "__main__":
    main()
