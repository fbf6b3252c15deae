package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Locale;

/**
 * How a map's foreground cut is chosen. A pixel is foreground when {@code value >= threshold} (inclusive,
 * so a pixel exactly at the cut is kept) and {@code value > 0} (zero carries no evidence, so an all-zero
 * map has no foreground even at threshold 0).
 *
 * <p>Text forms ({@link #parse}): {@code "0.25"} or {@code "fraction:0.25"} (fraction of the map's
 * maximum), {@code "otsu"}, {@code "fixed:0.4"} (absolute value).
 */
public sealed interface Threshold permits Threshold.FractionOfMax, Threshold.Otsu, Threshold.Fixed {

	/** Zoom-CAM paper default: keep pixels at or above 25% of the map's maximum. */
	Threshold ZOOM_CAM_DEFAULT = new FractionOfMax(0.25);

	/** Grad-CAM paper default: 15% of the maximum. */
	Threshold GRAD_CAM_DEFAULT = new FractionOfMax(0.15);

	/** The cut for this map (NaN or infinite values are rejected with the map named "map"). */
	default float valueFor(final float[] map) {
		if (map == null) throw new ZoomCamException("map is missing (null)");
		return valueFor("map", map, map.length, 1);
	}

	/** The cut for this map; {@code mapName} appears in error messages. */
	default float valueFor(final String mapName, final float[] map, final int width, final int height) {
		final float[] range = Maps.requireFiniteRange(mapName, map, width, height);
		return valueFor(map, range[0], range[1]);
	}

	/** The cut given the map's already checked min and max. */
	float valueFor(float[] map, float min, float max);

	/** The foreground rule of this package: {@code value >= threshold && value > 0}. */
	static boolean isForeground(final float value, final float threshold) {
		return value >= threshold && value > 0f;
	}

	/** The single cut c with {@code v >= c <=> isForeground(v, threshold)}. */
	static float effectiveCut(final float threshold) {
		return Math.max(threshold, Float.MIN_VALUE);
	}

	/**
	 * Like {@link #parse}, but null, empty or "default" give the method's own cut, {@code paperFraction}
	 * of the maximum (the front ends' default).
	 */
	static Threshold parseOrDefault(final String text, final double paperFraction) {
		if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("default")) {
			return new FractionOfMax(paperFraction);
		}
		return parse(text);
	}

	/** Parses "0.25", "fraction:0.25", "otsu" or "fixed:0.4" (case and surrounding spaces ignored). */
	static Threshold parse(final String text) {
		final String usage = "; use e.g. 0.25, fraction:0.25, otsu or fixed:0.4";
		if (text == null || text.isBlank()) throw new ZoomCamException("threshold is empty" + usage);
		final String t = text.trim().toLowerCase(Locale.ROOT);
		if (t.equals("otsu")) return new Otsu();
		final int colon = t.indexOf(':');
		final String kind = colon < 0 ? "fraction" : t.substring(0, colon).trim();
		final String number = colon < 0 ? t : t.substring(colon + 1).trim();
		final double value;
		try {
			value = Double.parseDouble(number);
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException("threshold '" + text + "' is not understood" + usage);
		}
		switch (kind) {
			case "fraction":
				return new FractionOfMax(value);
			case "fixed":
				return new Fixed((float) value);
			default:
				throw new ZoomCamException("threshold kind '" + kind + "' in '" + text + "' is unknown" + usage);
		}
	}

	/** Cut = fraction * max of the map (0 for a map whose maximum is not positive, which has no foreground). */
	record FractionOfMax(double fraction) implements Threshold {

		public FractionOfMax {
			if (!(fraction >= 0 && fraction <= 1)) {
				throw new ZoomCamException("threshold fraction " + fraction + " is outside [0, 1]; "
					+ "use e.g. 0.25 for 25% of the map's maximum");
			}
		}

		@Override
		public float valueFor(final float[] map, final float min, final float max) {
			return max > 0 ? (float) (fraction * max) : 0f;
		}

		@Override
		public String toString() {
			return "fraction:" + fraction;
		}
	}

	/**
	 * Otsu's cut on the map's values: a 256-bin histogram over [min, max] (bin = floor((v - min) /
	 * (max - min) * 256), the maximum going to bin 255); the split after bin k maximising the
	 * between-class variance w0 * w1 * (mu0 - mu1)^2 (bin indices as levels) makes bins k+1..255 the
	 * foreground, and the cut is the smallest map value in those bins. Among equally good splits the
	 * lowest k wins (as in scikit-image). A constant map gets its own value as the cut.
	 */
	record Otsu() implements Threshold {

		static final int BINS = 256;

		@Override
		public float valueFor(final float[] map, final float min, final float max) {
			if (!(max > min)) return min;
			final double range = (double) max - min;
			final long[] histogram = new long[BINS];
			for (final float v : map) histogram[bin(v, min, range)]++;
			double total = 0;
			double totalWeighted = 0;
			for (int b = 0; b < BINS; b++) {
				total += histogram[b];
				totalWeighted += (double) b * histogram[b];
			}
			double below = 0;
			double belowWeighted = 0;
			double bestVariance = -1;
			int bestSplit = 0;
			for (int k = 0; k < BINS - 1; k++) {
				below += histogram[k];
				belowWeighted += (double) k * histogram[k];
				final double above = total - below;
				if (below == 0 || above == 0) continue;
				final double meanBelow = belowWeighted / below;
				final double meanAbove = (totalWeighted - belowWeighted) / above;
				final double difference = meanBelow - meanAbove;
				final double variance = below / total * (above / total) * difference * difference;
				if (variance > bestVariance) {
					bestVariance = variance;
					bestSplit = k;
				}
			}
			// The smallest value binned above the split, rather than the bin edge, so that rounding can
			// never move a pixel to the other side of the cut than its histogram bin says.
			float cut = max;
			for (final float v : map) {
				if (v < cut && bin(v, min, range) > bestSplit) cut = v;
			}
			return cut;
		}

		static int bin(final float v, final float min, final double range) {
			return Math.min(BINS - 1, (int) ((v - (double) min) / range * BINS));
		}

		@Override
		public String toString() {
			return "otsu";
		}
	}

	/** A fixed cut, the same for every map. */
	record Fixed(float value) implements Threshold {

		public Fixed {
			if (!Float.isFinite(value)) {
				throw new ZoomCamException("fixed threshold " + value + " is not a finite number; use e.g. fixed:0.4");
			}
		}

		@Override
		public float valueFor(final float[] map, final float min, final float max) {
			return value;
		}

		@Override
		public String toString() {
			return "fixed:" + value;
		}
	}
}
