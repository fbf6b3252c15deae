#!/usr/bin/python3
"""Trains the bundled demo classifier: a VGG-style multi-label CNN (10 conv layers, 4 classes) on
synthetic micrographs from `./zoomcam synth`, then exports it as a Zoom-CAM bundle.

    ./zoomcam synth --n 6000 --seed 1 --out target/synth-train
    ./zoomcam synth --n 1000 --seed 2 --out target/synth-val
    /usr/bin/python3 tools/train_demo_model.py --train target/synth-train --val target/synth-val \
        --out plugins/Zoom-CAM/models/synthetic-cells

Runs on Debian's python3-torch (1.13) on 2 CPU cores in about 15-30 minutes. Deterministic seeds; the
command, seeds and held-out mAP are recorded in the bundle's zoomcam.json.
"""
import argparse
import csv
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_model  # noqa: E402


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


class DemoNet(nn.Module):
    """Five stages of two 3x3 convolutions (widths 8-16-32-64-128), max-pooling between stages, global
    average pooling and one linear layer: the last conv layer sits at stride 16 like VGG16's, so the
    last-layer (Grad-CAM) map is coarse and intermediate layers carry the small objects."""

    def __init__(self, n_classes=4, in_channels=1, widths=(8, 16, 32, 64, 128)):
        super().__init__()
        layers = []
        cin = in_channels
        for i, w in enumerate(widths):
            if i > 0:
                layers.append(nn.MaxPool2d(2))
            layers += conv_bn_relu(cin, w) + conv_bn_relu(w, w)
            cin = w
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(cin, n_classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def load_split(folder):
    with open(os.path.join(folder, "classes.txt")) as f:
        classes = [l.strip() for l in f if l.strip()]
    rows = list(csv.DictReader(open(os.path.join(folder, "image_labels.csv"))))
    images, labels = [], []
    for r in rows:
        path = os.path.join(folder, "images", r["image"])
        if not os.path.exists(path):
            candidates = [p for p in os.listdir(os.path.join(folder, "images")) if os.path.splitext(p)[0] ==
                          os.path.splitext(r["image"])[0]]
            path = os.path.join(folder, "images", candidates[0])
        a = np.array(Image.open(path), dtype=np.float32)
        if a.ndim == 3:
            a = a.mean(axis=2)
        images.append(a)
        labels.append([float(r[c]) for c in classes])
    x = np.stack(images)[:, None]
    return classes, x, np.array(labels, dtype=np.float32)


def average_precision(scores, truth):
    order = np.argsort(-scores)
    t = truth[order]
    if t.sum() == 0:
        return float("nan")
    tp = np.cumsum(t)
    precision = tp / np.arange(1, len(t) + 1)
    return float((precision * t).sum() / t.sum())


def evaluate(model, x, y, mean, std, batch=128):
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xb = (torch.from_numpy(x[i:i + batch]) / 255.0 - mean) / std
            outs.append(model(xb))
    logits = torch.cat(outs).numpy()
    aps = [average_precision(logits[:, c], y[:, c]) for c in range(y.shape[1])]
    return float(np.nanmean(aps)), aps


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)

    t_start = time.time()
    cpu_start = time.process_time()
    classes, x_train, y_train = load_split(args.train)
    _, x_val, y_val = load_split(args.val)
    mean = float(x_train.mean() / 255.0)
    std = float(x_train.std() / 255.0)
    print("train %s, val %s, classes %s, mean %.4f std %.4f" % (x_train.shape, x_val.shape, classes, mean, std),
          flush=True)

    model = DemoNet(n_classes=len(classes), in_channels=x_train.shape[1])
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * ((len(x_train) + args.batch - 1) // args.batch)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=steps)
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt))
        total = 0.0
        for i in range(0, len(xt), args.batch):
            idx = perm[i:i + args.batch]
            xb = (xt[idx] / 255.0 - mean) / std
            # Labels are invariant to flips and right-angle rotations: free augmentation.
            if torch.rand(1).item() < 0.5:
                xb = xb.flip(3)
            xb = torch.rot90(xb, int(torch.randint(0, 4, (1,)).item()), (2, 3))
            loss = F.binary_cross_entropy_with_logits(model(xb), yt[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            total += loss.item() * len(idx)
        m_ap, aps = evaluate(model, x_val, y_val, mean, std)
        # Cumulative wall and CPU seconds (all threads): tools/benchmark_training.sh compares both with Java's.
        print("epoch %d loss %.4f val mAP %.4f (%s) %.0f s cpu %.1f s" % (epoch + 1, total / len(xt), m_ap,
              ", ".join("%.3f" % a for a in aps), time.time() - t_start, time.process_time() - cpu_start), flush=True)

    m_ap, aps = evaluate(model, x_val, y_val, mean, std)
    command = "/usr/bin/python3 tools/train_demo_model.py " + " ".join(sys.argv[1:])
    extra = {"training": {
        "command": command,
        "data": "./zoomcam synth (train: %s, held-out: %s)" % (args.train, args.val),
        "train_images": int(len(x_train)), "heldout_images": int(len(x_val)),
        "seed": args.seed, "epochs": args.epochs,
        "heldout_mAP": round(m_ap, 4), "heldout_AP_per_class": {c: round(a, 4) for c, a in zip(classes, aps)},
        "train_seconds": round(time.time() - t_start),
        "pytorch": torch.__version__,
    }}
    h, w = x_train.shape[2:]
    path = export_model.export_bundle(
        model.eval(), args.out, classes, layers="auto", input_shape=(x_train.shape[1], h, w),
        name="synthetic-cells", description="Demo multi-label classifier of synthetic fluorescence micrographs "
        "(nucleus, rod, ring, puncta); trained by tools/train_demo_model.py on ./zoomcam synth images.",
        output_kind="sigmoid", mean=[mean] * x_train.shape[1], std=[std] * x_train.shape[1],
        value_ranges={"8bit": [0, 255], "16bit": [0, 65535], "32bit": "min-max"}, extra=extra)
    print("held-out mAP %.4f; wrote %s in %.0f s" % (m_ap, path, time.time() - t_start), flush=True)


if __name__ == "__main__":
    main()
