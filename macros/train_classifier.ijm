// Zoom-CAM for Fiji: train a classifier from image-level labels (Plugins > Zoom-CAM > Train Classifier...),
// then use the written bundle in Explain Image... or Generate Pseudo-Labels... (its model parameter).
// The data folder holds one sub-folder of images per class, or images with image_labels.csv (0/1 per class).
//
// Headless:
//   ImageJ-linux64 --headless --console -macro train_classifier.ijm "data=[/data/labelled] out=[/data/my-model]"
// optional: epochs=20 (default) input_size=auto (or e.g. 128) device=auto test=[/data/held-out]
// The Results table gets one row per epoch and the plot is the image titled "Zoom-CAM Training".
// Without arguments, a folder is asked for and the bundle goes to Fiji.app/plugins/Zoom-CAM/models/my-classifier.

args = getArgument();
data = call("ij.Macro.getValue", args, "data", "");
if (data == "") data = getDirectory("Choose the folder of labelled training images");
out = call("ij.Macro.getValue", args, "out", getDirectory("imagej") + "plugins/Zoom-CAM/models/my-classifier");
epochs = call("ij.Macro.getValue", args, "epochs", "20");
size = call("ij.Macro.getValue", args, "input_size", "auto");
device = call("ij.Macro.getValue", args, "device", "auto");
test = call("ij.Macro.getValue", args, "test", "");

options = "data=[" + data + "] out=[" + out + "] arch=demonet epochs=" + epochs + " batch=32 lr=0.003 val_fraction=0.2";
options = options + " device=" + device + " seed=1 overwrite=true input_size=" + size + " crop=0 patience=5 augment=true";
if (test != "") options = options + " test=[" + test + "]";
run("Train Classifier...", options);
// one row per epoch in the Results table: epoch, loss, val_loss, val_mAP (or val_accuracy for class folders), kept
for (i = 0; i < nResults; i++) {
	if (getResultString("kept", i) == "yes")
		print("Zoom-CAM classifier written to " + out + ": epoch " + getResult("epoch", i) + " kept, validation loss " + d2s(getResult("val_loss", i), 4));
}
