package io.github.zoomcam.synth;

/**
 * The object classes of the synthetic images, in their fixed order: the order is the column order of
 * image_labels.csv and the line order of classes.txt, and a class's value in the label images is its index + 1
 * (0 is background).
 */
public enum SynthClass {

	/** Filled round or elliptical blobs with a smooth, low-frequency interior texture. */
	NUCLEUS("nucleus"),
	/** Elongated capsules at any orientation, brightest along their axis. */
	ROD("rod"),
	/** Annuli: a bright rim around a dark centre; only the rim belongs to the instance. */
	RING("ring"),
	/** Clusters of 3 to 12 tiny bright dots; the whole cluster is one instance. */
	PUNCTA("puncta");

	private final String label;

	SynthClass(final String label) {
		this.label = label;
	}

	/** The lower-case name used in the CSV headers, boxes.csv and classes.txt. */
	public String label() {
		return label;
	}

	public int index() {
		return ordinal();
	}

	/** The pixel value of this class in a class label image. */
	public int labelValue() {
		return ordinal() + 1;
	}

	/** @throws IllegalArgumentException for 0 (background) or a value no class has */
	public static SynthClass ofLabelValue(final int value) {
		final SynthClass[] all = values();
		if (value < 1 || value > all.length) {
			throw new IllegalArgumentException("no class has label value " + value);
		}
		return all[value - 1];
	}
}
