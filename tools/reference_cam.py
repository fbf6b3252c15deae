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


# ---------------------------------------------------------------------------------------------------------
# Peer CAM methods (issue 6). Same conventions as above: A_k channel k of a layer's activation, g_k = dS/dA_k
# for the class logit S, sums over i, j over the layer's positions. The CAM arithmetic runs in float64 on
# the float32 activations and gradients; Score-CAM's masked inputs and model runs are float32, one image at
# a time, so nothing here mirrors the Java engine's batching.
#
#   gradcam     w_k = mean_ij g_k;                                      L = ReLU(sum_k w_k A_k)
#   gradcam++   alpha = g^2 / (2 g^2 + sum_ab A_k,ab g^3) (0 where the denominator is 0),
#               w_k = sum_ij alpha_ij ReLU(g_ij);                       L = ReLU(sum_k w_k A_k)
#   hirescam    L = ReLU(sum_k g_k * A_k)  (element-wise; = Zoom-CAM's layer map), at the Grad-CAM layer
#   xgradcam    w_k = sum_ij A_k,ij g_k,ij / sum_ab A_k,ab (0 where the sum is 0); L = ReLU(sum_k w_k A_k)
#   layercam    per layer L = ReLU(sum_k ReLU(g_k) * A_k); normalised, upsampled, fused (max or mean)
#   scorecam    H_k = N(U(A_k)) (upsample to the input, then min-max); w_k = p_c(X * H_k) - p_c(0), 0 for a
#               constant U(A_k); p = softmax (or sigmoid for multi-label bundles) of the logits, in float64;
#               L = ReLU(sum_k w_k A_k) over all channels, or over the N channels of largest spatial
#               variance (population variance) when a channel limit N is given
# ---------------------------------------------------------------------------------------------------------

SINGLE_LAYER = ("gradcam", "gradcampp", "hirescam", "xgradcam", "scorecam")


def _single_layer_raw(method, a, g):
    """a, g: float64 (C, h, w). Returns the raw (h, w) map of a gradient method."""
    if method == "gradcam":
        w = g.mean(dim=(1, 2))
        return torch.relu((w[:, None, None] * a).sum(0))
    if method == "gradcampp":
        g2 = g * g
        g3 = g2 * g
        s = a.sum(dim=(1, 2))[:, None, None]
        denominator = 2 * g2 + s * g3
        alpha = torch.where(denominator != 0, g2 / torch.where(denominator != 0, denominator,
                                                                torch.ones_like(denominator)),
                            torch.zeros_like(g2))
        w = (alpha * torch.relu(g)).sum(dim=(1, 2))
        return torch.relu((w[:, None, None] * a).sum(0))
    if method == "hirescam":
        return torch.relu((g * a).sum(0))
    if method == "xgradcam":
        s = a.sum(dim=(1, 2))
        safe = torch.where(s != 0, s, torch.ones_like(s))
        w = torch.where(s != 0, (a * g).sum(dim=(1, 2)) / safe, torch.zeros_like(s))
        return torch.relu((w[:, None, None] * a).sum(0))
    raise ValueError(method)


def _finish(raws, input_hw, original_hw, aggregation):
    """Normalise each raw map, upsample to both sizes, fuse. raws: list of float64 (h, w)."""
    at_input = [upsample(normalise(m), input_hw) for m in raws]
    at_orig = [upsample(normalise(m), original_hw) for m in raws]
    stack_in = torch.stack(at_input)
    stack_orig = torch.stack(at_orig)
    if aggregation == "max":
        fused_in, fused_orig = stack_in.max(0)[0], stack_orig.max(0)[0]
    else:
        fused_in, fused_orig = stack_in.mean(0), stack_orig.mean(0)
    f = lambda t: t.numpy().astype(np.float32)
    return {"raw": [f(m) for m in raws], "layers_input": f(stack_in), "layers_original": f(stack_orig),
            "input": f(fused_in), "original": f(fused_orig)}


def choose_channels(activation, limit, min_gap=1e-3):
    """Score-CAM channels: all, or the `limit` with the largest population variance over positions. Fails
    when the cut falls between two channels whose variances are closer than min_gap (relative), so that a
    float32 implementation cannot choose a different set."""
    count = activation.shape[0]
    if not limit or limit >= count:
        return list(range(count))
    variance = activation.double().var(dim=(1, 2), unbiased=False)
    order = torch.argsort(variance, descending=True).tolist()
    inside, outside = float(variance[order[limit - 1]]), float(variance[order[limit]])
    if not inside > outside * (1 + min_gap):
        raise ValueError("channel limit %d cuts between near-equal variances %g and %g" % (limit, inside, outside))
    return order[:limit]


def _probabilities(model, inp, output_kind):
    """Class probabilities in float64 from the float32 logits: Score-CAM's weights are differences of
    nearly equal probabilities."""
    with torch.no_grad():
        logits = model(inp)[0].double()
    return torch.sigmoid(logits) if output_kind == "sigmoid" else torch.softmax(logits, 0)


def scorecam_increases(model, x, activation, channels, output_kind):
    """p(X * H_k) - p(0) per chosen channel k: dict k -> (classes,) float64 tensor."""
    baseline = _probabilities(model, torch.zeros_like(x), output_kind)
    increases = {}
    for k in channels:
        up = F.interpolate(activation[k][None, None], size=tuple(x.shape[2:]), mode="bilinear",
                           align_corners=False)[0, 0]
        lo, hi = up.min(), up.max()
        if not hi > lo:
            increases[k] = torch.zeros_like(baseline)
            continue
        mask = (up - lo) / (hi - lo)
        increases[k] = _probabilities(model, x * mask[None, None], output_kind) - baseline
    return increases


def explain_methods(model, layer_names, x, targets, original_hw, gradcam_layer, aggregation="max",
                    scorecam_channels=0, output_kind="softmax", methods=("zoomcam", "gradcam", "gradcampp",
                    "hirescam", "xgradcam", "layercam", "scorecam")):
    """One image x (1, C, h, w). Returns (logits, [per target: {method: maps}]) where maps has 'raw' (list
    per layer), 'layers_input', 'layers_original' (stacks), 'input', 'original'. Multi-layer methods use
    layer_names; single-layer methods the gradcam_layer."""
    model.eval()
    names = list(dict.fromkeys(list(layer_names) + [gradcam_layer]))
    hooked = Hooked(model, names)
    input_hw = x.shape[2:]
    try:
        with torch.enable_grad():
            logits = model(x)
            acts = [hooked.activations[n] for n in names]
            act = {n: a[0].detach() for n, a in zip(names, acts)}
            grads_per_target = []
            for t in targets:
                grads = torch.autograd.grad(logits[0, t], acts, retain_graph=True)
                grads_per_target.append({n: g[0].detach() for n, g in zip(names, grads)})
    finally:
        hooked.close()
    increases = None
    if "scorecam" in methods:
        channels = choose_channels(act[gradcam_layer], scorecam_channels)
        increases = scorecam_increases(model, x, act[gradcam_layer], channels, output_kind)
    results = []
    for t, grads in zip(targets, grads_per_target):
        out = {}
        for m in methods:
            if m in ("zoomcam", "layercam"):
                raws = []
                for n in layer_names:
                    a, g = act[n].double(), grads[n].double()
                    if m == "layercam":
                        g = torch.relu(g)
                    raws.append(torch.relu((g * a).sum(0)))
                out[m] = _finish(raws, input_hw, original_hw, aggregation)
            elif m == "scorecam":
                a = act[gradcam_layer].double()
                cam = torch.zeros_like(a[0])
                for k, inc in increases.items():
                    cam = cam + float(inc[t]) * a[k]
                out[m] = _finish([torch.relu(cam)], input_hw, original_hw, aggregation)
            else:
                raw = _single_layer_raw(m, act[gradcam_layer].double(), grads[gradcam_layer].double())
                out[m] = _finish([raw], input_hw, original_hw, aggregation)
        results.append(out)
    return logits.detach()[0].numpy().copy(), results
