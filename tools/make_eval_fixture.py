#!/usr/bin/python3
"""Writes the tiny hand-made evaluation example in src/test/resources/fixtures/eval/ (ground truth and a
prediction folder as 'zoomcam explain' writes it). The expected scores are worked out by hand in
src/test/java/io/github/zoomcam/cli/EvaluateCliTest.java; this script only writes the pixels.

    /usr/bin/python3 tools/make_eval_fixture.py
"""
import json
import os

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures", "eval")

TRUTH_A = [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 2, 2], [0, 0, 2, 2]]
PRED_A = [[1, 1, 1, 0], [1, 0, 0, 0], [0, 0, 2, 2], [0, 0, 0, 2]]
TRUTH_B = [[2, 2, 2, 2], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
PRED_B = [[2, 0, 0, 0], [2, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
INSTANCES_A = [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 2, 2], [0, 0, 2, 2]]
INSTANCES_B = [[3, 3, 3, 3], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]


def tif(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(np.array(rows, dtype=np.uint8), mode="L").save(path)


def result(path, name, scores):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc = {"image": {"name": name, "width": 4, "height": 4}, "method": "handmade", "targets": [],
           "class_scores": {c: {"logit": 0.0, "probability": p} for c, p in scores.items()}}
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


tif(os.path.join(ROOT, "truth", "labels", "a.tif"), TRUTH_A)
tif(os.path.join(ROOT, "truth", "labels", "b.tif"), TRUTH_B)
tif(os.path.join(ROOT, "truth", "instances", "a.tif"), INSTANCES_A)
tif(os.path.join(ROOT, "truth", "instances", "b.tif"), INSTANCES_B)
with open(os.path.join(ROOT, "truth", "classes.txt"), "w") as f:
    f.write("cat\ndog\n")
with open(os.path.join(ROOT, "truth", "boxes.csv"), "w") as f:
    f.write("image,class,instance,x,y,width,height,area_px\n"
            "a.tif,cat,1,0,0,2,2,4\na.tif,dog,2,2,2,2,2,4\nb.tif,dog,3,0,0,4,1,4\n")
tif(os.path.join(ROOT, "pred", "a", "labels.tif"), PRED_A)
tif(os.path.join(ROOT, "pred", "b", "labels.tif"), PRED_B)
result(os.path.join(ROOT, "pred", "a", "result.json"), "a.tif", {"cat": 0.9, "dog": 0.6})
result(os.path.join(ROOT, "pred", "b", "result.json"), "b.tif", {"cat": 0.7, "dog": 0.2})
with open(os.path.join(ROOT, "pred", "a", "boxes.csv"), "w") as f:
    f.write("image,class,score,x,y,width,height,area_px\na.tif,cat,0.9,0,0,3,2,4\na.tif,dog,0.6,2,2,2,2,3\n")
with open(os.path.join(ROOT, "pred", "b", "boxes.csv"), "w") as f:
    f.write("image,class,score,x,y,width,height,area_px\nb.tif,dog,0.2,0,0,2,2,3\n")
