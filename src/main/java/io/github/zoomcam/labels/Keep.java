package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Locale;

/**
 * Which connected components of a thresholded map become the pseudo-label.
 *
 * <p>Text forms ({@link #parse}): {@code "largest"}, {@code "all"} (min area 1), {@code "all:20"}.
 */
public sealed interface Keep permits Keep.Largest, Keep.All {

	/**
	 * The component with the most pixels; ties go to the larger summed map value, then to the first
	 * component in raster order.
	 */
	record Largest() implements Keep {

		@Override
		public String toString() {
			return "largest";
		}
	}

	/** Every component with at least {@code minArea} pixels. */
	record All(int minArea) implements Keep {

		public All {
			if (minArea < 1) {
				throw new ZoomCamException("minimum component area " + minArea + " must be at least 1 pixel");
			}
		}

		@Override
		public String toString() {
			return "all:" + minArea;
		}
	}

	static Keep largest() {
		return new Largest();
	}

	static Keep all(final int minArea) {
		return new All(minArea);
	}

	/** Parses "largest", "all" or "all:MINAREA" (case and surrounding spaces ignored). */
	static Keep parse(final String text) {
		final String usage = "; use largest, all or all:MINAREA (e.g. all:20)";
		if (text == null || text.isBlank()) throw new ZoomCamException("component selection is empty" + usage);
		final String t = text.trim().toLowerCase(Locale.ROOT);
		if (t.equals("largest")) return largest();
		if (t.equals("all")) return all(1);
		if (t.startsWith("all:")) {
			try {
				return all(Integer.parseInt(t.substring(4).trim()));
			}
			catch (final NumberFormatException e) {
				throw new ZoomCamException("minimum area in '" + text + "' is not a whole number" + usage);
			}
		}
		throw new ZoomCamException("component selection '" + text + "' is not understood" + usage);
	}
}
