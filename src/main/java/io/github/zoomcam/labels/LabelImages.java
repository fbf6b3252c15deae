package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;
import java.util.List;

/** Fusion of several class maps of one image into a single label image. */
public final class LabelImages {

	private LabelImages() {}

	/**
	 * The PASCAL VOC pseudo-label protocol of the paper: each pixel takes the class of the map with the
	 * highest value there, label = classIndices[argmax] + 1, or 0 (background) when that highest value
	 * is below {@code backgroundThreshold} (a value equal to it keeps the class). On equal values the
	 * map earlier in the list wins. With no maps every pixel is background.
	 *
	 * @param normalisedMaps one row-major map per class, each width * height values (normally in [0, 1])
	 * @param classIndices the 0-based class of each map, same length as the list
	 */
	public static int[] fromClassMaps(final List<float[]> normalisedMaps, final int[] classIndices,
		final int width, final int height, final float backgroundThreshold)
	{
		if (normalisedMaps == null || classIndices == null) {
			throw new ZoomCamException("class maps or class indices are missing (null)");
		}
		if (normalisedMaps.size() != classIndices.length) {
			throw new ZoomCamException(normalisedMaps.size() + " class maps but " + classIndices.length
				+ " class indices; give exactly one class index per map");
		}
		if (!Float.isFinite(backgroundThreshold)) {
			throw new ZoomCamException("background threshold " + backgroundThreshold + " is not a finite number");
		}
		final int pixels = Maps.pixelCount("label image", width, height);
		for (int m = 0; m < classIndices.length; m++) {
			if (classIndices[m] < 0 || classIndices[m] == Integer.MAX_VALUE) {
				throw new ZoomCamException("class index " + classIndices[m] + " of map " + m + " is invalid; "
					+ "class indices are 0-based and non-negative");
			}
			Maps.requireFiniteRange("of class " + classIndices[m] + " (list position " + m + ")",
				normalisedMaps.get(m), width, height);
		}
		final int[] labels = new int[pixels];
		if (classIndices.length == 0) return labels;
		// Best value per pixel, map by map, so each map is read sequentially once.
		final float[] best = normalisedMaps.get(0).clone();
		Arrays.fill(labels, classIndices[0] + 1);
		for (int m = 1; m < classIndices.length; m++) {
			final float[] map = normalisedMaps.get(m);
			final int label = classIndices[m] + 1;
			for (int i = 0; i < pixels; i++) {
				if (map[i] > best[i]) {
					best[i] = map[i];
					labels[i] = label;
				}
			}
		}
		for (int i = 0; i < pixels; i++) {
			if (best[i] < backgroundThreshold) labels[i] = 0;
		}
		return labels;
	}
}
