#!/usr/bin/python3
"""Independent reference for pseudo-labels on the fixture maps: threshold at a fraction of the maximum,
8-connected components by breadth-first search, the largest component (ties: larger sum of values, then
first in raster order), its box, and the fused label image (each class's map divided by its maximum,
restricted to its kept component; the highest wins, earlier classes win ties; 0 where no class is kept).

Reads the reference maps in src/test/resources/fixtures/expected/several_classes.npz (written by
tools/make_fixtures.py) and writes expected/pseudo_labels_several.json. Plain numpy, no Java code.

    /usr/bin/python3 tools/reference_labels.py
"""
import json
import os
from collections import deque

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures",
                    "expected")
CLASSES = ["nucleus", "rod", "ring", "puncta", "debris"]
FRACTION = 0.6


def components(fg):
    h, w = fg.shape
    seen = np.zeros_like(fg, dtype=bool)
    found = []
    for y in range(h):
        for x in range(w):
            if fg[y, x] and not seen[y, x]:
                pixels = []
                queue = deque([(y, x)])
                seen[y, x] = True
                while queue:
                    cy, cx = queue.popleft()
                    pixels.append((cy, cx))
                    for dy in (-1, 0, 1):
                        for dx in (-1, 0, 1):
                            ny, nx = cy + dy, cx + dx
                            if 0 <= ny < h and 0 <= nx < w and fg[ny, nx] and not seen[ny, nx]:
                                seen[ny, nx] = True
                                queue.append((ny, nx))
                found.append(pixels)
    return found


def main():
    d = np.load(os.path.join(ROOT, "several_classes.npz"))
    targets = [int(t) for t in d["targets"]]
    out = {"fraction": FRACTION, "classes": []}
    kept_maps = []
    min_margin = np.inf
    for k, target in enumerate(targets):
        m = d["t%d_zoomcam_original" % k].astype(np.float64)
        cut = FRACTION * m.max()
        fg = (m >= cut) & (m > 0)
        min_margin = min(min_margin, float(np.abs(m - cut).min()))
        comps = components(fg)
        best = None
        for c in comps:  # raster order of first pixel
            key = (len(c), sum(m[p] for p in c))
            if best is None or key > best[0]:
                best = (key, c)
        pixels = best[1]
        ys = [p[0] for p in pixels]
        xs = [p[1] for p in pixels]
        out["classes"].append({"class": CLASSES[target], "components_above_threshold": len(comps),
                               "x": min(xs), "y": min(ys), "width": max(xs) - min(xs) + 1,
                               "height": max(ys) - min(ys) + 1, "area_px": len(pixels)})
        kept = np.zeros_like(m)
        for p in pixels:
            kept[p] = m[p] / m.max()
        kept_maps.append((target, kept))
    labels = np.zeros(kept_maps[0][1].shape, dtype=np.int64)
    best = np.zeros(labels.shape)
    for target, kept in kept_maps:
        win = kept > best
        labels[win] = target + 1
        best[win] = kept[win]
    out["label_counts"] = {str(v): int((labels == v).sum()) for v in np.unique(labels)}
    out["min_distance_to_cut"] = min_margin
    with open(os.path.join(ROOT, "pseudo_labels_several.json"), "w") as f:
        json.dump(out, f, indent=2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
