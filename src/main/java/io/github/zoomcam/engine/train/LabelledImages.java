package io.github.zoomcam.engine.train;

import io.github.zoomcam.engine.ImageInput;

import java.util.List;

/**
 * A labelled data set as the trainer sees it: class names, one 0/1 target per class and image, and pixels
 * read on demand (so that a front end can read files its own way, e.g. with ImageJ or Bio-Formats).
 */
public interface LabelledImages {

	/** Where the data came from, for the bundle's training record (e.g. the folder path). */
	String source();

	/** How the labels were given, for the training record (e.g. "class folders"). */
	String layout();

	List<String> classes();

	LabelKind kind();

	int size();

	/** The image's name, unique in the data set (e.g. its path relative to the data folder). */
	String name(int index);

	/** 0 or 1 per class; exactly one 1 for {@link LabelKind#SINGLE_LABEL}. */
	float[] target(int index);

	/**
	 * Reads the pixels (the first plane of a stack).
	 *
	 * @throws io.github.zoomcam.core.ZoomCamException when the file cannot be read; the trainer skips it
	 */
	ImageInput load(int index);

	/**
	 * For data made by ./zoomcam synth: the generator settings, recorded as the bundle's "training.synth"
	 * (size, channels, bit_depth, train_seed), so that ./zoomcam benchmark generates matching held-out images
	 * and refuses the training seed. Null for other data.
	 */
	default com.google.gson.JsonObject synthRecord() {
		return null;
	}
}
