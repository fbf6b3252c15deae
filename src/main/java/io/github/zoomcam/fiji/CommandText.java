package io.github.zoomcam.fiji;

import io.github.zoomcam.pipeline.ExplainSettings;

import java.util.Map;

/**
 * Menu paths, dialog labels, help texts and default values of every Zoom-CAM command, in one place.
 * Parameter names (the macro keys) are the commands' field names, in snake_case, so that the macro
 * recorder writes calls such as {@code run("Explain Image...", "method=zoomcam target=top1 ...")}.
 */
final class CommandText {

	private CommandText() {}

	/** The defaults are the command line's, from one table. */
	private static final Map<String, String> DEFAULTS = ExplainSettings.DEFAULTS;

	static final String MENU = "Plugins>Zoom-CAM>";
	static final String EXPLAIN = "Explain Image...";
	static final String GENERATE = "Generate Pseudo-Labels...";
	static final String EVALUATE = "Evaluate Pseudo-Labels...";
	static final String INFO = "Model Info...";
	static final String TRAIN = "Train Classifier...";

	// -- shared by Explain Image and Generate Pseudo-Labels --

	static final String MODEL = "Model bundle";
	static final String MODEL_HELP = "Folder or .zip holding model.pt and zoomcam.json. Empty: the bundled " +
		"model in Fiji.app/plugins/Zoom-CAM/models.";
	static final String METHOD = "Method";
	static final String METHOD_HELP = "zoomcam fuses the maps of every chosen layer (the paper's method); " +
		"the other methods are single-layer CAMs computed from the same pass.";
	static final String METHOD_DEFAULT = DEFAULTS.get(ExplainSettings.METHOD);
	static final String MODEL_SUMMARY = "Selected model";
	static final String LAYERS = "Layers";
	static final String LAYERS_HELP = "default: the bundle's choice; all; last: the deepest layer only; " +
		"layer_names: the layers named below. (Macros may also give the names here: layers=NAME;NAME.)";
	static final String LAYERS_DEFAULT = DEFAULTS.get(ExplainSettings.LAYERS);
	/** The choice that takes the names from {@link #LAYER_NAMES}; also the key of that input. */
	static final String LAYERS_BY_NAME = "layer_names";
	static final String[] LAYERS_CHOICES = { "default", "all", "last", LAYERS_BY_NAME };
	static final String LAYER_NAMES = "Layer names (with layers=layer_names)";
	static final String LAYER_NAMES_HELP = "Layer names separated by ';' or ','";
	static final String TARGET = "Target classes";
	static final String TARGET_HELP = "default: what the model calls a detection (every class with " +
		"probability >= 0.5 for a multi-label model, the best class for a single-label one); top1: the best " +
		"class; top_k: the k best; min_probability: every class reaching the probability below; class_names: " +
		"the classes named below. (Macros may also write top3, p>=0.5 or class names here.)";
	static final String TARGET_DEFAULT = DEFAULTS.get(ExplainSettings.TARGET);
	static final String TARGET_TOP_K = "top_k";
	static final String TARGET_MIN_PROBABILITY = "min_probability";
	static final String TARGET_CLASS_NAMES = "class_names";
	static final String[] TARGET_CHOICES = { ExplainSettings.DEFAULT_TARGET, "top1", TARGET_TOP_K,
		TARGET_MIN_PROBABILITY, TARGET_CLASS_NAMES };
	static final String TOP_K = "k (with target=top_k)";
	static final int TOP_K_DEFAULT = 3;
	static final String MIN_PROBABILITY = "Probability (with target=min_probability)";
	static final double MIN_PROBABILITY_DEFAULT = 0.5;
	static final String CLASS_NAMES = "Class names (with target=class_names)";
	static final String CLASS_NAMES_HELP = "Class names separated by ';' or ','";
	static final String REFINE = "Pseudo-label refinement";
	static final String REFINE_HELP = "image (the default): object outlines from the image (ImageJ's automatic " +
		"threshold, optional smoothing and rolling-ball background, watershed), each object's class from the " +
		"class maps; none: the paper's protocol (threshold each class map, keep components, fuse classes), with " +
		"the threshold, keep and minimum area below";
	static final String REFINE_DEFAULT = DEFAULTS.get(ExplainSettings.REFINE);
	static final String REFINE_THRESHOLDING = "Object threshold (with refine=image)";
	static final String REFINE_THRESHOLDING_HELP = "ImageJ's automatic threshold method that separates objects from " +
		"the background in the image (Image > Adjust > Auto Threshold's names)";
	static final String REFINE_THRESHOLDING_DEFAULT = DEFAULTS.get(ExplainSettings.REFINE_THRESHOLDING);
	static final String REFINE_SIGMA = "Smoothing sigma (px, 0 = off)";
	static final double REFINE_SIGMA_DEFAULT = Double.parseDouble(DEFAULTS.get(ExplainSettings.REFINE_SIGMA));
	static final String REFINE_BACKGROUND = "Rolling-ball radius (px, 0 = off)";
	static final double REFINE_BACKGROUND_DEFAULT = Double.parseDouble(DEFAULTS.get(
		ExplainSettings.REFINE_BACKGROUND));
	static final String REFINE_POLARITY = "Objects are";
	static final String REFINE_POLARITY_HELP = "auto: decided per image; bright: brighter than the background " +
		"(fluorescence); dark: darker (bright field, stains)";
	static final String REFINE_POLARITY_DEFAULT = DEFAULTS.get(ExplainSettings.REFINE_POLARITY);
	static final String REFINE_WATERSHED = "Split touching objects (watershed)";
	static final boolean REFINE_WATERSHED_DEFAULT = Boolean.parseBoolean(DEFAULTS.get(
		ExplainSettings.REFINE_WATERSHED));
	static final String REFINE_MIN_EVIDENCE = "Minimum class evidence (0..1)";
	static final double REFINE_MIN_EVIDENCE_DEFAULT = Double.parseDouble(DEFAULTS.get(
		ExplainSettings.REFINE_MIN_EVIDENCE));
	static final String REFINE_NOISE_FLOOR = "Noise floor (background SDs)";
	static final double REFINE_NOISE_FLOOR_DEFAULT = Double.parseDouble(DEFAULTS.get(
		ExplainSettings.REFINE_NOISE_FLOOR));
	static final String REFINE_MIN_SIZE = "Minimum object area (px, with refine=image)";
	static final int REFINE_MIN_SIZE_DEFAULT = Integer.parseInt(DEFAULTS.get(ExplainSettings.REFINE_MIN_SIZE));
	static final String THRESHOLD = "Map threshold (with refine=none)";
	static final String THRESHOLD_HELP = "Foreground cut of each class map: default (the method's value from " +
		"the paper, 25% of the maximum for Zoom-CAM), a fraction of the maximum such as 0.3, otsu, or " +
		"fixed:0.4 (an absolute map value)";
	static final String THRESHOLD_DEFAULT = DEFAULTS.get(ExplainSettings.THRESHOLD);
	static final String KEEP = "Keep components (with refine=none)";
	static final String KEEP_HELP = "largest: one component per class (the paper); all: every component of " +
		"at least the minimum area";
	static final String KEEP_DEFAULT = DEFAULTS.get(ExplainSettings.KEEP);
	static final String MIN_AREA = "Minimum area (px, with refine=none keep=all)";
	static final int MIN_AREA_DEFAULT = Integer.parseInt(DEFAULTS.get(ExplainSettings.MIN_AREA));
	static final String DEVICE = "Device";
	static final String DEVICE_HELP = "auto: the first GPU when one is usable, else the CPU";
	static final String DEVICE_DEFAULT = "auto";
	static final String OPACITY = "Heatmap opacity in the overlay";
	static final double OPACITY_DEFAULT = Double.parseDouble(DEFAULTS.get(ExplainSettings.OPACITY));

	static final String TILE = "Tiles";
	static final String TILE_HELP = "auto: images larger than the model input are explained in overlapping " +
		"tiles at native resolution (scale image pixels per model pixel); none: the whole image is resized to " +
		"the model input; a number: tiles of that many image pixels";
	static final String TILE_DEFAULT = DEFAULTS.get(ExplainSettings.TILE);
	static final String OVERLAP = "Tile overlap (fraction of a tile)";
	static final double OVERLAP_DEFAULT = Double.parseDouble(DEFAULTS.get(ExplainSettings.OVERLAP));
	static final String SCALE = "Scale (image pixels per model pixel)";
	static final String SCALE_DEFAULT = DEFAULTS.get(ExplainSettings.SCALE);
	static final String SCALE_HELP = "auto: at the model's training pixel size when the model declares it and the " +
		"image is calibrated (Image > Properties), else 1; a number: image pixels per model pixel (1: native " +
		"resolution, 2 when objects are twice as large in pixels as in the training images)";

	// -- Explain Image --

	static final String IMAGE = "Image";
	static final String PLANES = "Stack planes";
	static final String PLANES_HELP = "current: the displayed plane only; all: every slice and frame";
	static final String PLANES_CURRENT = "current";
	static final String PLANES_ALL = "all";
	static final String SHOW_HEATMAPS = "Show per-layer heatmap stack";
	static final String SHOW_MAP = "Show the method's map";
	static final String SHOW_OVERLAY = "Overlay heatmap, outlines and boxes on the image";
	static final String ADD_TO_ROI_MANAGER = "Add ROIs to the ROI Manager";
	static final String SHOW_LABELS = "Show label and instance images";
	static final String SHOW_TABLE = "Show Results table";

	// -- Generate Pseudo-Labels --

	static final String INPUT_FOLDER = "Image folder";
	static final String FILE_PATTERN = "File pattern";
	static final String FILE_PATTERN_HELP = "Glob patterns on file names, separated by ';' (case is ignored)";
	static final String FILE_PATTERN_DEFAULT = "*.tif;*.tiff;*.png;*.jpg;*.jpeg";
	static final String RECURSIVE = "Include sub-folders";
	static final String OUTPUT_FOLDER = "Output folder";
	static final String OUTPUT_FOLDER_HELP = "One sub-folder per image: heatmaps.tif, mask.tif, labels.tif, " +
		"instances.tif, rois.zip, boxes.csv, overlay.png, result.json";
	static final String OVERWRITE = "Overwrite existing results";
	static final String SERIES = "Series (multi-series files)";
	static final String SERIES_HELP = "Which series of a multi-series file (e.g. .czi, .lif) is explained, " +
		"counted from 1; the log says when a file has several";
	static final int SERIES_DEFAULT = Integer.parseInt(DEFAULTS.get(ExplainSettings.SERIES));

	// -- Evaluate Pseudo-Labels --

	static final String PREDICTION_FOLDER = "Pseudo-label folder";
	static final String PREDICTION_FOLDER_HELP = "The output folder of Generate Pseudo-Labels or zoomcam explain";
	static final String TRUTH_FOLDER = "Ground-truth folder";
	static final String TRUTH_FOLDER_HELP = "labels/ (label images: 0 background, class index + 1) and/or " +
		"boxes.csv (image,class,x,y,width,height); optional instances/ and classes.txt";
	static final String CLASSES_FILE = "Class list (optional)";
	static final String CLASSES_FILE_HELP = "One class name per line; empty: the truth's classes.txt, else the " +
		"model's classes";
	static final String SMALL_AREA = "Small-object limit (px)";
	static final int SMALL_AREA_DEFAULT = 32 * 32;
	static final String SHOW_PLOT = "Plot per-class IoU";

	// -- Train Classifier (keys and defaults are ./zoomcam train's options) --

	static final String DATA = "Training images";
	static final String DATA_HELP = "A folder with one sub-folder of images per class (single-label), or images " +
		"with image_labels.csv holding 0/1 per class (multi-label; the layout ./zoomcam synth writes)";
	static final String OUT = "Output bundle";
	static final String OUT_HELP = "The model bundle to write (a folder, or a name ending in .zip); put it in " +
		"Fiji.app/plugins/Zoom-CAM/models to make it a default choice";
	static final String ARCH = "Network";
	static final String ARCH_HELP = "Architecture of the network trained from scratch (ignored when resuming)";
	static final String EPOCHS = "Epochs (at most)";
	static final String BATCH = "Batch size";
	static final String LR = "Learning rate (peak)";
	static final String VAL_FRACTION = "Validation fraction";
	static final String VAL_FRACTION_HELP = "Share of each class's images held out to score every epoch; the " +
		"best epoch is kept";
	static final String SEED = "Random seed";
	static final String RESUME = "Continue training (optional)";
	static final String RESUME_HELP = "A bundle with the same classes whose network training continues from";
	static final String OVERWRITE_BUNDLE = "Overwrite an existing bundle";
	static final String INPUT_SIZE = "Input size";
	static final String INPUT_SIZE_HELP = "auto (the images' size), N or HxW; images of another size are resized " +
		"as the engine does when explaining";
	static final String CROP = "Random crop side (0 = whole images)";
	static final String PATIENCE = "Stop after epochs without improvement (0 = never)";
	static final String AUGMENT = "Augment (flips, rotations, intensity, noise)";
	static final String TEST = "Held-out images (optional)";
	static final String TEST_HELP = "Labelled images of the same layout, not trained on: the written bundle is " +
		"scored on them";
	static final String SHOW_TRAINING_PLOT = "Plot loss and validation score";
	static final String TRAINING_TITLE = "Zoom-CAM Training";

	/**
	 * Every command's table is ImageJ's own Results table: a macro reads it with nResults, getResult,
	 * getResultString and Table.* in the GUI and headless alike (a headless ImageJ has no other tables).
	 */
	static final String RESULTS_TITLE = "Results";

	// -- titles of the images Explain Image shows (the input's title without extension, then a suffix) --

	static final String HEATMAPS_SUFFIX = " heatmaps";
	static final String LABELS_SUFFIX = " labels";
	static final String INSTANCES_SUFFIX = " instances";
}
