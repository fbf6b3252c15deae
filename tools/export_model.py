#!/usr/bin/python3
"""Export a PyTorch image classifier as a Zoom-CAM model bundle (model.pt + zoomcam.json).

The exported TorchScript module follows the "delta" convention used by the Java engine:

    forward(x, d_1, ..., d_K) -> (logits, a_1, ..., a_K)

where a_i is the output of the i-th chosen layer plus the zero tensor d_i. The network continues
with a_i, so the gradient of the class score with respect to d_i is dS/dA_i, for all K layers after
one forward and one backward pass.

Command line (torchvision architectures, weights from the user's own file; nothing is downloaded):

    /usr/bin/python3 tools/export_model.py --arch vgg16 --weights my_vgg16.pth \
        --classes classes.txt --out bundles/vgg16 [--layers auto] [--zip]

An older bundle folder gets the layer-name checksum (model.pt untouched) with:

    /usr/bin/python3 tools/export_model.py --stamp bundles/vgg16

Works with Debian's python3-torch 1.13 and with recent PyTorch (2.x).
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile

import numpy as np
import torch
import torch.nn as nn

FORMAT_VERSION = 1
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def auto_layers(model):
    """The paper's layer choice: every ReLU that directly follows a convolution (optionally through a
    BatchNorm); for torchvision-style ResNets, whose ReLU modules are re-used inside each block, the
    outputs of the four residual stages."""
    if all(hasattr(model, "layer%d" % i) for i in range(1, 5)):
        return ["layer1", "layer2", "layer3", "layer4"]
    names = []
    previous = None
    for name, module in model.named_modules():
        if len(list(module.children())) > 0:
            continue
        if isinstance(module, nn.ReLU) and previous in ("conv", "conv+bn"):
            names.append(name)
        if isinstance(module, nn.Conv2d):
            previous = "conv"
        elif isinstance(module, nn.BatchNorm2d) and previous == "conv":
            previous = "conv+bn"
        else:
            previous = None
    if not names:
        raise SystemExit("error: --layers auto found no ReLU after a convolution; name the layers "
                         "with --layers NAME,NAME (module names as in model.named_modules())")
    return names


class _DeltaModel(nn.Module):
    """Adds a zero tensor to each chosen layer's output through forward hooks, so the hooks sit on
    the real module outputs and any traceable graph (skip connections included) works."""

    def __init__(self, model, layer_names):
        super().__init__()
        self.model = model
        self.layer_names = list(layer_names)
        self._deltas = None
        self._outputs = None
        self._calls = None
        modules = dict(model.named_modules())
        for i, name in enumerate(self.layer_names):
            if name not in modules:
                raise SystemExit("error: layer '%s' is not a module of this model; choose from: %s"
                                 % (name, ", ".join(n for n in modules if n)))
            modules[name].register_forward_hook(self._make_hook(i))

    def _make_hook(self, index):
        def hook(_module, _inputs, output):
            if self._deltas is None:
                return None
            self._calls[index] += 1
            shifted = output + self._deltas[index]
            self._outputs[index] = shifted
            return shifted
        return hook

    def forward(self, x, *deltas):
        self._deltas = deltas
        self._outputs = [None] * len(self.layer_names)
        self._calls = [0] * len(self.layer_names)
        try:
            logits = self.model(x)
            for name, calls in zip(self.layer_names, self._calls):
                if calls != 1:
                    raise SystemExit("error: layer '%s' runs %d times per forward pass; choose a module "
                                     "that runs exactly once (a re-used ReLU cannot be hooked)" % (name, calls))
            return tuple([logits] + self._outputs)
        finally:
            self._deltas = None


def layer_names_sha256(model_sha256, layer_names):
    """Binds the layer names to the exported network: SHA-256 of model.pt's SHA-256 (hex), a newline and
    the traced module names joined by newlines. The Java engine recomputes it from model.pt and the names
    in zoomcam.json at load time and refuses a bundle whose names were edited or whose model.pt was
    replaced."""
    text = model_sha256 + "\n" + "\n".join(layer_names)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp_bundle(folder):
    """Adds model_sha256 and layer_names_sha256 to the zoomcam.json of a bundle exported before they
    existed, after checking that every layer it names is a module of the traced model in model.pt.
    model.pt, test_input.npy and every other entry stay as they are."""
    manifest_path = os.path.join(folder, "zoomcam.json")
    model_path = os.path.join(folder, "model.pt")
    with open(manifest_path) as f:
        manifest = json.load(f)
    with open(model_path, "rb") as f:
        model_sha = hashlib.sha256(f.read()).hexdigest()
    if manifest.get("model_sha256", model_sha) != model_sha:
        raise SystemExit("error: %s records model_sha256 %s but model.pt has %s; export the bundle again"
                         % (manifest_path, manifest["model_sha256"], model_sha))
    traced = torch.jit.load(model_path, map_location="cpu")
    modules = {name for name, _ in traced.named_modules()}
    names = [layer["name"] for layer in manifest["layers"]]
    unknown = [n for n in names if "model." + n not in modules]
    if unknown:
        raise SystemExit("error: layer(s) %s of %s are not modules of model.pt; export the bundle again"
                         % (", ".join(unknown), manifest_path))
    manifest["model_sha256"] = model_sha
    manifest["layer_names_sha256"] = layer_names_sha256(model_sha, names)
    with open(manifest_path + ".part", "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(manifest_path + ".part", manifest_path)
    return manifest_path


def disable_inplace(model):
    for module in model.modules():
        if hasattr(module, "inplace"):
            module.inplace = False


def make_test_input(channels, height, width, seed=1234):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(1, channels, height, width, generator=generator)


def export_bundle(model, out, classes, layers="auto", input_shape=(3, 224, 224), name=None,
                  description="", output_kind="softmax", mean=None, std=None, channel_order="RGB",
                  value_ranges=None, default_layers=None, gradcam_layer=None, extra=None,
                  make_zip=False):
    """Write a bundle folder (or .zip when make_zip) and return the path written."""
    model = model.eval()
    disable_inplace(model)
    channels, height, width = input_shape
    layer_names = auto_layers(model) if layers in (None, "auto") else list(layers)
    module_order = [n for n, _ in model.named_modules()]
    missing = [n for n in layer_names if n not in module_order]
    if missing:
        raise SystemExit("error: unknown layer(s) %s" % ", ".join(missing))
    layer_names.sort(key=module_order.index)

    wrapper = _DeltaModel(model, layer_names).eval()
    test_input = make_test_input(channels, height, width)
    unit_deltas = [torch.zeros(1, 1, 1, 1) for _ in layer_names]
    with torch.no_grad():
        outputs = wrapper(test_input, *unit_deltas)
        traced = torch.jit.trace(wrapper, (test_input, *unit_deltas), check_trace=False)
        traced_outputs = traced(test_input, *unit_deltas)
    logits = outputs[0]
    if logits.dim() != 2 or logits.shape[1] != len(classes):
        raise SystemExit("error: the model gives %s logits but %d class names were given"
                         % (tuple(logits.shape), len(classes)))
    drift = (traced_outputs[0] - logits).abs().max().item()
    if drift > 1e-4:
        raise SystemExit("error: the traced model disagrees with the eager model (max |diff| %.3g); "
                         "the network has data-dependent control flow that tracing cannot capture" % drift)

    layer_info = []
    for layer_name, activation in zip(layer_names, outputs[1:]):
        if activation.dim() != 4:
            raise SystemExit("error: layer '%s' gives a %d-d output; choose convolutional layers (N,C,H,W)"
                             % (layer_name, activation.dim()))
        layer_info.append({
            "name": layer_name,
            "channels": int(activation.shape[1]),
            "height": int(activation.shape[2]),
            "width": int(activation.shape[3]),
            "stride": int(round(height / activation.shape[2])),
        })

    manifest = {
        "format_version": FORMAT_VERSION,
        "name": name or type(model).__name__,
        "description": description,
        "classes": list(classes),
        "output": output_kind,
        "input": {"channels": channels, "height": height, "width": width},
        "preprocessing": {
            "value_range": value_ranges or {"8bit": [0, 255], "16bit": [0, 65535], "32bit": "min-max"},
            "mean": list(mean if mean is not None else ([0.0] * channels)),
            "std": list(std if std is not None else ([1.0] * channels)),
            "channel_order": channel_order,
            "resize": "bilinear-antialias",
        },
        "layers": layer_info,
        "default_layers": list(default_layers or layer_names),
        "gradcam_layer": gradcam_layer or layer_names[-1],
        "pytorch_version": torch.__version__,
        "test": {
            "input": "test_input.npy",
            "expected_logits": [float(v) for v in logits[0]],
        },
    }
    if extra:
        manifest.update(extra)

    target = out[:-4] if make_zip and out.endswith(".zip") else out
    staging = tempfile.mkdtemp(prefix="zoomcam-export-")
    try:
        traced.save(os.path.join(staging, "model.pt"))
        np.save(os.path.join(staging, "test_input.npy"), test_input.numpy().astype("<f4"))
        with open(os.path.join(staging, "model.pt"), "rb") as f:
            manifest["model_sha256"] = hashlib.sha256(f.read()).hexdigest()
        manifest["layer_names_sha256"] = layer_names_sha256(manifest["model_sha256"], layer_names)
        with open(os.path.join(staging, "zoomcam.json"), "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        if make_zip:
            zip_path = target + ".zip"
            tmp_zip = zip_path + ".part"
            with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as z:
                for entry in ("model.pt", "zoomcam.json", "test_input.npy"):
                    z.write(os.path.join(staging, entry), entry)
            os.replace(tmp_zip, zip_path)
            return zip_path
        if os.path.exists(target):
            shutil.rmtree(target)
        parent = os.path.dirname(os.path.abspath(target))
        os.makedirs(parent, exist_ok=True)
        shutil.move(staging, target)
        os.chmod(target, 0o755)
        staging = None
        return target
    finally:
        if staging and os.path.exists(staging):
            shutil.rmtree(staging)


def _torchvision_model(arch, num_classes):
    import torchvision.models as tvm
    if not hasattr(tvm, arch):
        raise SystemExit("error: torchvision has no architecture '%s'" % arch)
    constructor = getattr(tvm, arch)
    try:
        return constructor(weights=None, num_classes=num_classes)
    except TypeError:
        return constructor(pretrained=False, num_classes=num_classes)


def _read_classes(spec):
    if spec is None:
        return None
    if os.path.isfile(spec):
        with open(spec) as f:
            return [line.strip() for line in f if line.strip()]
    return [c.strip() for c in spec.split(",") if c.strip()]


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--stamp"]:
        if len(argv) != 2:
            raise SystemExit("usage: export_model.py --stamp BUNDLE_FOLDER")
        print("stamped %s" % stamp_bundle(argv[1]), file=sys.stderr)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", required=True, help="torchvision architecture, e.g. vgg16, resnet50")
    parser.add_argument("--weights", help="state_dict file (.pth) of your trained model; random weights if omitted")
    parser.add_argument("--classes", help="file with one class name per line, or a comma-separated list")
    parser.add_argument("--num-classes", type=int, help="number of classes when --classes is omitted")
    parser.add_argument("--out", required=True, help="bundle folder (or .zip with --zip)")
    parser.add_argument("--layers", default="auto", help="'auto' or comma-separated module names")
    parser.add_argument("--input-size", type=int, nargs=2, default=[224, 224], metavar=("H", "W"))
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--output", choices=["softmax", "sigmoid"], default="softmax")
    parser.add_argument("--mean", type=float, nargs="+", default=None, help="per-channel mean (default ImageNet)")
    parser.add_argument("--std", type=float, nargs="+", default=None, help="per-channel std (default ImageNet)")
    parser.add_argument("--name", default=None)
    parser.add_argument("--description", default="")
    parser.add_argument("--zip", action="store_true", help="write a single .zip bundle")
    parser.add_argument("--pixel-size-um", type=float, default=None,
                        help="pixel size of the training images in micrometres; with it, Zoom-CAM's scale 'auto' "
                             "explains a calibrated image at that pixel size")
    args = parser.parse_args(argv)
    if args.pixel_size_um is not None and not args.pixel_size_um > 0:
        raise SystemExit("error: --pixel-size-um must be above 0 (micrometres per pixel, e.g. 0.65)")

    classes = _read_classes(args.classes)
    if classes is None:
        if not args.num_classes:
            raise SystemExit("error: give --classes FILE or --num-classes N")
        classes = ["class_%d" % i for i in range(args.num_classes)]
    model = _torchvision_model(args.arch, len(classes))
    if args.weights:
        state = torch.load(args.weights, map_location="cpu")
        if isinstance(state, dict) and "state_dict" in state:
            state = state["state_dict"]
        model.load_state_dict(state)
    mean = args.mean if args.mean else (IMAGENET_MEAN if args.channels == 3 else [0.5] * args.channels)
    std = args.std if args.std else (IMAGENET_STD if args.channels == 3 else [0.25] * args.channels)
    layers = "auto" if args.layers == "auto" else [s.strip() for s in args.layers.split(",") if s.strip()]
    path = export_bundle(model, args.out, classes, layers=layers,
                         input_shape=(args.channels, args.input_size[0], args.input_size[1]),
                         name=args.name or args.arch, description=args.description,
                         output_kind=args.output, mean=mean, std=std, make_zip=args.zip,
                         extra=None if args.pixel_size_um is None else {"pixel_size_um": args.pixel_size_um})
    print("wrote %s" % path, file=sys.stderr)


if __name__ == "__main__":
    main()
