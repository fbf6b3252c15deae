// Zoom-CAM for Fiji: explain the active image (Plugins > Zoom-CAM > Explain Image...).
// Opens a sample image of the bundled synthetic-cells model when no image is open, then shows the
// per-layer heatmaps, the Zoom-CAM map, the label and instance images, the overlay (heatmap, one outline and
// box per instance, coloured by class) and the Results table (one row per instance). refine=image (the
// default) takes object outlines from the image and classes from the maps; refine=none is the paper's
// protocol (threshold, keep and min_area then apply). Run it with Plugins > Macros > Run..., or headless:
//   ImageJ-linux64 --headless --console -macro explain_active_image.ijm
// model= names the bundle: here the bundled one; give the folder (or .zip) of your own.
// The images the command makes are titled "<image> heatmaps", "<image> zoomcam" (the method),
// "<image> labels" and "<image> instances", where <image> is the image's title without its extension.

model = getDirectory("imagej") + "plugins/Zoom-CAM/models/synthetic-cells";
if (nImages == 0)
	open(getDirectory("imagej") + "plugins/Zoom-CAM/samples/images/img_00003.tif");
title = getTitle();
run("Explain Image...", "model=[" + model + "] method=zoomcam layers=default target=default refine=image threshold=default keep=largest min_area=1 device=auto planes=current show_heatmaps=true show_map=true show_overlay=true opacity=0.5 add_to_roi_manager=true show_labels=true show_table=true");

name = File.getNameWithoutExtension(title);
selectImage(name + " heatmaps");
print(getTitle() + ": " + nSlices + " slices (one per layer, then the fused map)");
selectImage(name + " labels");
getMinAndMax(lowest, highest);
print(getTitle() + ": class indices up to " + highest + " (0 = background)");
selectImage(name + " instances");
getMinAndMax(lowest, highest);
print(getTitle() + ": instance ids 1.." + highest);
selectImage(title);
print(title + ": " + nResults + " instance(s), " + Overlay.size + " overlay element(s)");
for (i = 0; i < nResults; i++) {
	print("  instance " + getResult("instance", i) + ": " + getResultString("class", i) + " " + d2s(getResult("score", i), 3) + ": box at (" + getResult("x", i) + ", " + getResult("y", i) + "), " + getResult("width", i) + " x " + getResult("height", i) + " px, area " + getResult("area_px", i) + " px");
}
