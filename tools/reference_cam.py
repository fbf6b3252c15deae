#!/usr/bin/python3
"""Independent PyTorch reference for the Java engine's numbers.

Works on an ordinary nn.Module with forward hooks and torch.autograd.grad; it never loads the exported
TorchScript bundle and shares no code with the Java engine, so agreement between the two is evidence.

Definitions (Shi et al., ICPR 2020, Section III):
  Zoom-CAM layer map   L = ReLU(sum_k dS/dA_k * A_k)              (element-wise weight mask, Eq. 9)
  Grad-CAM layer map   L = ReLU(sum_k mean_ij(dS/dA_k) * A_k)
  normalisation        N(L) = (L - min L) / (max L - min L), 0 where max == min
  upsampling           bilinear, half-pixel centres (align_corners=False)
  aggregation          pixel-wise max (Eq. 10) or mean over layers, no renormalisation afterwards
"""
import time

import numpy as np
import torch
import torch.nn.functional as F


def preprocess(pixels, bit_depth, value_range, mean, std, input_hw):
    """pixels: float array (C, H, W) in channel order of the model. Returns (1, C, h, w) tensor."""
    x = torch.from_numpy(np.asarray(pixels, dtype=np.float32)).unsqueeze(0)
    rng = value_range[str(bit_depth) + "bit"]
    if rng == "min-max":
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = float(rng[0]), float(rng[1])
    x = (x - lo) / (hi - lo if hi > lo else 1.0)
    mean_t = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
    std_t = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)
    x = (x - mean_t) / std_t
    # Antialiased bilinear, as torchvision's Resize and PIL shrink images (no effect when enlarging).
    return F.interpolate(x, size=tuple(input_hw), mode="bilinear", align_corners=False, antialias=True)


def normalise(raw):
    """raw: (H, W) -> min-max normalised (H, W)."""
    lo, hi = raw.min(), raw.max()
    if hi > lo:
        return (raw - lo) / (hi - lo)
    return torch.zeros_like(raw)


def upsample(m, hw):
    return F.interpolate(m[None, None], size=tuple(hw), mode="bilinear", align_corners=False)[0, 0]


class Hooked:
    """Captures the outputs of named modules during a forward pass."""

    def __init__(self, model, layer_names):
        self.model = model
        self.layer_names = list(layer_names)
        self.activations = {}
        modules = dict(model.named_modules())
        self.handles = [modules[n].register_forward_hook(self._hook(n)) for n in self.layer_names]

    def _hook(self, name):
        def fn(_m, _i, out):
            self.activations[name] = out
        return fn

    def close(self):
        for h in self.handles:
            h.remove()


def explain(model, layer_names, x, targets, original_hw, gradcam_layer, aggregation="max"):
    """One image x (1,C,h,w); targets: list of class indices. Returns a dict per target."""
    model.eval()
    hooked = Hooked(model, layer_names)
    try:
        with torch.enable_grad():
            logits = model(x)
            acts = [hooked.activations[n] for n in layer_names]
            results = []
            for t in targets:
                grads = torch.autograd.grad(logits[0, t], acts, retain_graph=True)
                raw, at_input, at_orig = [], [], []
                gradcam = None
                for name, a, g in zip(layer_names, acts, grads):
                    a0, g0 = a[0].detach(), g[0].detach()
                    m = torch.relu((g0 * a0).sum(0))
                    n = normalise(m)
                    raw.append(m.numpy().copy())
                    at_input.append(upsample(n, x.shape[2:]).numpy().copy())
                    at_orig.append(upsample(n, original_hw).numpy().copy())
                    if name == gradcam_layer:
                        alpha = g0.mean(dim=(1, 2))
                        gc = torch.relu((alpha[:, None, None] * a0).sum(0))
                        gn = normalise(gc)
                        gradcam = {
                            "raw": gc.numpy().copy(),
                            "input": upsample(gn, x.shape[2:]).numpy().copy(),
                            "original": upsample(gn, original_hw).numpy().copy(),
                        }
                stack_in = np.stack(at_input)
                stack_orig = np.stack(at_orig)
                reduce = np.max if aggregation == "max" else np.mean
                results.append({
                    "target": t,
                    "score": float(logits[0, t]),
                    "raw": raw,
                    "layers_input": stack_in,
                    "layers_original": stack_orig,
                    "zoomcam_input": reduce(stack_in, axis=0),
                    "zoomcam_original": reduce(stack_orig, axis=0),
                    "gradcam": gradcam,
                })
            return logits.detach()[0].numpy().copy(), results
    finally:
        hooked.close()


def time_zoomcam(model, layer_names, batch, repeats, warmup=2):
    """Median ms per image of forward + backward + Zoom-CAM maps (max over layers) at input size, for the
    benchmark's side-by-side comparison with the Java engine (top-1 target per image)."""
    model.eval()
    hooked = Hooked(model, layer_names)
    hw = batch.shape[2:]
    times = []
    try:
        for i in range(warmup + repeats):
            t0 = time.perf_counter()
            with torch.enable_grad():
                logits = model(batch)
                acts = [hooked.activations[n] for n in layer_names]
                target = logits.argmax(1)
                score = logits.gather(1, target[:, None]).sum()
                grads = torch.autograd.grad(score, acts)
            with torch.no_grad():
                maps = []
                for a, g in zip(acts, grads):
                    m = torch.relu((a * g).sum(1, keepdim=True))
                    flat = m.flatten(1)
                    lo = flat.min(1)[0].view(-1, 1, 1, 1)
                    hi = flat.max(1)[0].view(-1, 1, 1, 1)
                    span = hi - lo
                    n = torch.where(span > 0, (m - lo) / torch.where(span > 0, span, torch.ones_like(span)),
                                    torch.zeros_like(m))
                    maps.append(F.interpolate(n, size=tuple(hw), mode="bilinear", align_corners=False))
                agg = torch.stack(maps).max(0)[0]
                agg.numpy()
            if i >= warmup:
                times.append((time.perf_counter() - t0) * 1000.0 / batch.shape[0])
    finally:
        hooked.close()
    return float(np.median(times))
