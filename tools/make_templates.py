#!/usr/bin/python3
"""Makes the TorchScript templates that `./zoomcam train` (the Java trainer) starts from.

    /usr/bin/python3 tools/make_templates.py            # writes every template and templates.json

Run once with Debian's python3-torch (1.13); users never need Python: the templates are committed as
resources of the jar (src/main/resources/io/github/zoomcam/engine/train/templates/), so the command line
and Fiji find them on the class path.

Each template is a *scripted* module (torch.jit.script, not trace) in the bundle convention

    forward(x, d_1..d_K) -> (logits, a_1..a_K)

with the deltas added explicitly in forward (no hooks), so BatchNorm follows train()/eval(): a traced
module keeps the mode it was traced in. A delta is added only when it requires a gradient (explaining);
adding zeros changes no value, and skipping it spares training ten activation-sized copies per pass.
Global average pooling before the classifier lets any input size through.

The class count comes from the user's data at train time, without Python. The classifier is therefore a
Linear layer with MAX_CLASSES outputs and a one-value parameter `class_count`; forward returns the first
`class_count` logits. The Java trainer writes the data's class count into that parameter (in place, before
training) and never updates it; rows beyond it get no gradient and are never seen by anyone. One template
per architecture and channel count serves every class count; the unused rows cost 128 x (256 - n) weights.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import sys
import tempfile

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "main", "resources", "io", "github", "zoomcam", "engine", "train",
                   "templates")
MAX_CLASSES = 256
FORMAT_VERSION = 1
SEED = 20240

# name -> (stage widths, convolutions per stage, description)
ARCHITECTURES = {
    "demonet": ((8, 16, 32, 64, 128), 2,
                "VGG-style CNN of the bundled demo model (tools/train_demo_model.py DemoNet): five stages of two "
                "3x3 convolutions + BatchNorm + ReLU, widths 8-16-32-64-128, max-pooling between stages, global "
                "average pooling, one linear layer; 10 explainable layers, the last at stride 16"),
}
CHANNELS = (1, 3)


def module_source(n_layers):
    """Python source of the template class: the forward with one explicit delta per explainable layer.
    Written out (not built with hooks or loops over deltas) so torch.jit.script compiles plain tensor code."""
    deltas = ", ".join("d%d: torch.Tensor" % (i + 1) for i in range(n_layers))
    outputs = ", ".join(["torch.Tensor"] * (n_layers + 1))
    lines = [
        "import torch",
        "import torch.nn as nn",
        "from typing import Tuple",
        "",
        "",
        "class Template(nn.Module):",
        "    def __init__(self, in_channels: int, widths, convs_per_stage: int, max_classes: int):",
        "        super().__init__()",
        "        layers = []",
        "        cin = in_channels",
        "        for i, w in enumerate(widths):",
        "            if i > 0:",
        "                layers.append(nn.MaxPool2d(2))",
        "            for _ in range(convs_per_stage):",
        "                layers += [nn.Conv2d(cin, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]",
        "                cin = w",
        "        self.features = nn.Sequential(*layers)",
        "        self.pool = nn.AdaptiveAvgPool2d(1)",
        "        self.classifier = nn.Linear(cin, max_classes)",
        "        self.class_count = nn.Parameter(torch.tensor(float(max_classes)), requires_grad=False)",
        "",
        "    def forward(self, x: torch.Tensor, %s) -> Tuple[%s]:" % (deltas, outputs),
    ]
    return lines


def write_module(widths, convs_per_stage, path):
    """Generates the module file: the forward walks features by index and adds d_k after the k-th ReLU."""
    # Layer order of DemoNet: [pool], (conv, bn, relu) x convs_per_stage per stage.
    body = []
    index = 0
    layer = 0
    names = []
    for stage in range(len(widths)):
        if stage > 0:
            body.append("        x = self.features[%d](x)" % index)
            index += 1
        for _ in range(convs_per_stage):
            body.append("        x = self.features[%d](x)" % index)
            body.append("        x = self.features[%d](x)" % (index + 1))
            body.append("        x = self.features[%d](x)" % (index + 2))
            body.append("        if d%d.requires_grad:" % (layer + 1))
            body.append("            x = x + d%d" % (layer + 1))
            body.append("        a%d = x" % (layer + 1))
            names.append("features.%d" % (index + 2))
            index += 3
            layer += 1
    body.append("        logits = self.classifier(torch.flatten(self.pool(x), 1))")
    body.append("        n = int(self.class_count.item())")
    body.append("        return (logits[:, :n], %s)" % ", ".join("a%d" % (i + 1) for i in range(layer)))
    with open(path, "w") as f:
        f.write("\n".join(module_source(layer) + body) + "\n")
    return names


def build(arch, channels, scratch):
    widths, convs, description = ARCHITECTURES[arch]
    source = os.path.join(scratch, "template_%s.py" % arch)
    layer_names = write_module(widths, convs, source)
    spec = importlib.util.spec_from_file_location("template_%s" % arch, source)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    torch.manual_seed(SEED + channels)
    eager = module.Template(channels, widths, convs, MAX_CLASSES).eval()
    scripted = torch.jit.script(eager)
    check(eager, scripted, channels, len(layer_names))
    return scripted, layer_names, description, widths


def check(eager, scripted, channels, n_layers):
    """The scripted module must match the eager one, accept other sizes, and follow train()/eval()."""
    x = torch.randn(2, channels, 48, 40)
    zeros = [torch.zeros(1, 1, 1, 1) for _ in range(n_layers)]
    with torch.no_grad():
        a = eager(x, *zeros)
        b = scripted(x, *zeros)
    assert len(b) == n_layers + 1 and b[0].shape == (2, MAX_CLASSES)
    assert all((p - q).abs().max().item() < 1e-5 for p, q in zip(a, b))
    # Explaining: deltas that require gradients are added, and their gradients are the layers' dS/dA.
    with torch.no_grad():
        shapes = [t.shape for t in eager(x[:1], *zeros)[1:]]
    grads = []
    for module in (eager, scripted):
        deltas = [torch.zeros(s, requires_grad=True) for s in shapes]
        module(x[:1], *deltas)[0][0, 0].backward()
        grads.append([d.grad for d in deltas])
    for g_eager, g_scripted in zip(*grads):
        assert g_scripted is not None and g_scripted.abs().max().item() > 0
        assert (g_eager - g_scripted).abs().max().item() < 1e-5
    with torch.no_grad():
        scripted.class_count.fill_(3.0)
        assert scripted(x, *zeros)[0].shape == (2, 3)
        scripted.class_count.fill_(float(MAX_CLASSES))
    bn = scripted.features[1]
    before = bn.running_mean.clone()
    scripted.train()
    with torch.no_grad():
        train_logits = scripted(x, *zeros)[0]
    assert (bn.running_mean - before).abs().max().item() > 0, "BatchNorm statistics must update in train()"
    with torch.no_grad():
        bn.running_mean.copy_(before)
        bn.running_var.fill_(1.0)
        bn.num_batches_tracked.zero_()
    scripted.eval()
    with torch.no_grad():
        eval_logits = scripted(x, *zeros)[0]
    assert (train_logits - eval_logits).abs().max().item() > 1e-4, "train and eval must differ"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    index = {"format_version": FORMAT_VERSION, "max_classes": MAX_CLASSES,
             "made_by": "tools/make_templates.py, PyTorch " + torch.__version__, "templates": []}
    with tempfile.TemporaryDirectory(prefix="zoomcam-templates-") as scratch:
        for arch in ARCHITECTURES:
            for channels in CHANNELS:
                scripted, layer_names, description, widths = build(arch, channels, scratch)
                file_name = "%s-%dch.pt" % (arch, channels)
                path = os.path.join(args.out, file_name)
                scripted.eval().save(path)
                with open(path, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                size = os.path.getsize(path)
                assert size < 2 * 1024 * 1024, "%s is %d bytes; templates must stay under 2 MB" % (file_name, size)
                index["templates"].append({
                    "arch": arch, "channels": channels, "file": file_name, "description": description,
                    "layers": layer_names, "gradcam_layer": layer_names[-1], "widths": list(widths),
                    "sha256": digest,
                })
                print("wrote %s (%d bytes, %d layers)" % (path, size, len(layer_names)), file=sys.stderr)
    with open(os.path.join(args.out, "templates.json"), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
