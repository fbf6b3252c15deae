package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

/** Input checks shared by the package, so every entry point words its errors the same way. */
final class Maps {

	private Maps() {}

	/** Checks width, height and array length, returning width * height. */
	static int requireSize(final String what, final int length, final int width, final int height) {
		final int pixels = pixelCount(what, width, height);
		if (length != pixels) {
			throw new ZoomCamException(what + " has " + length + " values but " + width + "x" + height
				+ " needs " + pixels + "; check the width and height passed with it");
		}
		return pixels;
	}

	/** width * height, rejecting non-positive sizes and sizes no Java array can hold. */
	static int pixelCount(final String what, final int width, final int height) {
		if (width <= 0 || height <= 0) {
			throw new ZoomCamException(what + " has size " + width + "x" + height
				+ "; width and height must both be positive");
		}
		final long pixels = (long) width * height;
		if (pixels > Integer.MAX_VALUE - 8) {
			throw new ZoomCamException(what + " has " + pixels + " pixels, more than a Java array holds; "
				+ "process it in tiles");
		}
		return (int) pixels;
	}

	/**
	 * Rejects NaN and infinite values and returns {min, max}; one pass so the caller's threshold
	 * computation does not have to read the map again.
	 */
	static float[] requireFiniteRange(final String mapName, final float[] map, final int width,
		final int height)
	{
		if (map == null) throw new ZoomCamException("map " + mapName + " is missing (null)");
		requireSize("map " + mapName, map.length, width, height);
		float min = Float.POSITIVE_INFINITY;
		float max = Float.NEGATIVE_INFINITY;
		for (int i = 0; i < map.length; i++) {
			final float v = map[i];
			// NaN fails both comparisons, so min/max alone would silently skip it.
			if (!(v >= -Float.MAX_VALUE && v <= Float.MAX_VALUE)) throw nonFinite(mapName, map, width);
			if (v < min) min = v;
			if (v > max) max = v;
		}
		return new float[] {min, max};
	}

	/** Like {@link #requireFiniteRange} but also requires every value to lie in [0, 1]. */
	static void requireNormalised(final String mapName, final float[] map, final int width, final int height) {
		final float[] range = requireFiniteRange(mapName, map, width, height);
		if (range[0] < 0f || range[1] > 1f) {
			throw new ZoomCamException("map " + mapName + " has values in [" + range[0] + ", " + range[1]
				+ "] but must lie in [0, 1]; pass the min-max normalised map");
		}
	}

	private static ZoomCamException nonFinite(final String mapName, final float[] map, final int width) {
		for (int i = 0; i < map.length; i++) {
			if (!Float.isFinite(map[i])) {
				final String kind = Float.isNaN(map[i]) ? "NaN" : (map[i] > 0 ? "+Infinity" : "-Infinity");
				return new ZoomCamException("map " + mapName + " contains " + kind + " at pixel (" + i % width
					+ ", " + i / width + "); check the model output or replace non-finite values before thresholding");
			}
		}
		throw new IllegalStateException("no non-finite value found");
	}

	static String imageName(final String name, final int ordinal) {
		return name != null ? name : "#" + ordinal;
	}
}
