// Zoom-CAM for Fiji: score pseudo-labels against ground truth (Plugins > Zoom-CAM > Evaluate Pseudo-Labels...).
// Puts per-class IoU, mIoU and localization errors into the Results table (columns measure, percent) and
// plots the per-class IoU. The ground-truth folder holds labels/ (label images) and/or boxes.csv, as the
// bundled samples do.
//
// Headless: ImageJ-linux64 --headless --console -macro evaluate.ijm "predictions=[/data/zoomcam] truth=[/data/truth]"
// Without arguments it scores the output of batch_folder.ijm (run that first) against the bundled samples.

args = getArgument();
predictions = call("ij.Macro.getValue", args, "predictions", getDirectory("temp") + "zoomcam-pseudo-labels");
truth = call("ij.Macro.getValue", args, "truth", getDirectory("imagej") + "plugins/Zoom-CAM/samples");

run("Evaluate Pseudo-Labels...", "prediction_folder=[" + predictions + "] truth_folder=[" + truth + "] small_area=1024 show_plot=true");
for (i = 0; i < nResults; i++) {
	if (getResultString("measure", i) == "mIoU")
		print("Zoom-CAM evaluation of " + predictions + " against " + truth + ": mIoU " + d2s(getResult("percent", i), 1) + "%");
}
