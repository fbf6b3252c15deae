package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Locale;

/**
 * What the full-size outputs of one tiled image need in Java's heap, checked before the work starts.
 * The tiles themselves cost little and do not grow with the image (a batch of tiles, their raw maps; the
 * raw maps of all tiles wait on disk for large images); what grows with the image is what the user asked
 * for at full size:
 * <ul>
 * <li>the stitched maps: 4 bytes per pixel for each method and class, and for each layer kept at full
 * size;</li>
 * <li>writing a heatmap stack: a 4-byte copy of each of its slices;</li>
 * <li>pseudo-labels: the labels package's working set at its peak, {@link #LABELS_PER_CLASS} bytes per pixel
 * per class plus {@link #LABELS_FIXED} (a copy of each class map, its mask and candidate map, the label image
 * and the union mask, and their copies in the annotation), plus the image-sized files written from them.</li>
 * </ul>
 */
public final class MemoryBudget {

	/** Bytes per pixel and class of the pseudo-labelling's peak (see the class comment). */
	static final int LABELS_PER_CLASS = 9;
	/** Bytes per pixel of the pseudo-labelling's peak that do not depend on the number of classes. */
	static final int LABELS_FIXED = 14;

	private MemoryBudget() {}

	/**
	 * The full-size outputs asked for.
	 *
	 * @param maps full-size maps kept per class: one per method, plus one per layer kept at full size
	 * @param largestStack slices of the largest heatmap stack written at once
	 * @param targets explained classes
	 * @param pseudoLabels whether pseudo-labels are made
	 */
	public record Outputs(int maps, int largestStack, int targets, boolean pseudoLabels) {}

	/** Bytes of heap the outputs of an image of this many pixels need at their peak. */
	public static long bytes(final long pixels, final Outputs outputs) {
		final long maps = 4L * outputs.maps() * outputs.targets();
		final long stack = 4L * outputs.largestStack();
		final long labels = outputs.pseudoLabels() ? (long) LABELS_PER_CLASS * outputs.targets() + LABELS_FIXED : 0;
		return pixels * (maps + Math.max(stack, labels));
	}

	/**
	 * Refuses, with one line that says what to change, when the outputs cannot fit what Java may still
	 * allocate; never lets the work run into an OutOfMemoryError.
	 */
	public static void require(final String image, final int width, final int height, final Outputs outputs) {
		final long pixels = (long) width * height;
		if (pixels > MapStitcher.MAX_ARRAY_PIXELS) {
			throw new ZoomCamException(image + ": " + width + "x" + height + " pixels are more than one Java array " +
				"holds (2^31); its full-size maps and labels cannot be made: crop the image");
		}
		final long need = bytes(pixels, outputs);
		long free = available();
		if (need > free) {
			// What looks used may be garbage of earlier images; look again after a collection.
			System.gc();
			free = available();
		}
		if (need > free) {
			throw new ZoomCamException(String.format(Locale.ROOT, "%s: its full-size outputs (%dx%d, %d class(es)%s) " +
				"need about %s of memory but Java has %s left; give Java more memory (JAVA_OPTS=-Xmx%dg for " +
				"zoomcam, Edit > Options > Memory in Fiji)%s", image, width, height, outputs.targets(), outputs
					.pseudoLabels() ? " with pseudo-labels" : "", gigabytes(need), gigabytes(free), (Runtime.getRuntime()
						.maxMemory() + need - free) / (1L << 30) + 1, advice(outputs)));
		}
	}

	private static String advice(final Outputs outputs) {
		final StringBuilder s = new StringBuilder();
		if (outputs.targets() > 1) s.append(", explain fewer classes (target top1)");
		if (outputs.maps() > 1) s.append(", keep fewer maps (one method, layer-maps input)");
		if (outputs.pseudoLabels()) s.append(", or switch pseudo-labels off");
		return s.length() == 0 ? "" : s.toString().replaceFirst("^, ", " or ");
	}

	/** Heap Java may still allocate. */
	static long available() {
		final Runtime runtime = Runtime.getRuntime();
		return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
	}

	static String gigabytes(final long bytes) {
		return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
	}
}
