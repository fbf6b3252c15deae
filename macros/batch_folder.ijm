// Zoom-CAM for Fiji: pseudo-labels for a folder of images (Plugins > Zoom-CAM > Generate Pseudo-Labels...).
// Writes, per image, the folder that ./zoomcam explain writes: heatmaps.tif, mask.tif, labels.tif,
// instances.tif, rois.zip, boxes.csv (one row per instance), overlay.png and result.json. Existing results are kept (overwrite=false). A file that cannot
// be used (unreadable, truncated, too small for the model) is skipped with its reason; the others go on.
// The Results table gets one row per image: image, folder, status, classes, instances, message, opener.
//
// Headless, e.g. on a cluster node:
//   ImageJ-linux64 --headless --console -macro batch_folder.ijm "input=[/data/images] output=[/data/zoomcam]"
// optional: model=[/path/to/bundle] (default: the bundled model) target=top1 (default: the model's own,
// every class with probability >= 0.5 for the bundled multi-label model)
// Without arguments (Plugins > Macros > Run...), the bundled samples are labelled into the temp folder.

args = getArgument();
input = call("ij.Macro.getValue", args, "input", getDirectory("imagej") + "plugins/Zoom-CAM/samples/images");
output = call("ij.Macro.getValue", args, "output", getDirectory("temp") + "zoomcam-pseudo-labels");
model = call("ij.Macro.getValue", args, "model", getDirectory("imagej") + "plugins/Zoom-CAM/models/synthetic-cells");
target = call("ij.Macro.getValue", args, "target", "default");

options = "input_folder=[" + input + "] file_pattern=*.tif;*.tiff;*.png recursive=false output_folder=[" + output + "]";
options = options + " model=[" + model + "] method=zoomcam layers=default target=" + target + " refine=image threshold=default keep=largest min_area=1 device=auto opacity=0.5 overwrite=false";
run("Generate Pseudo-Labels...", options);
failed = 0;
for (i = 0; i < nResults; i++) {
	if (getResultString("status", i) == "failed") {
		failed++;
		print("skipped " + getResultString("image", i) + ": " + getResultString("message", i));
	}
}
print("Zoom-CAM pseudo-labels of " + Table.size + " image(s) in " + input + " are in " + output + " (" + failed + " skipped as unusable)");
