package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Locale;

/**
 * What the full-size outputs of one tiled image need in Java's heap, checked before the work starts.
 * The tiles themselves cost little and do not grow with the image (a batch of tiles and their raw maps; the
 * raw maps of all tiles wait on disk for large images); what grows with the image is what the user asked
 * for at full size, in bytes per pixel:
 * <ul>
 * <li>the stitched maps: 4 for each method and class, and for each layer kept at full size (heatmap stacks
 * are written from these arrays, without copies), and 4 per class for the mean of the layer maps that the
 * image-guided refinement reads (a multi-layer method labelled by the general path);</li>
 * <li>pseudo-labels by the general path (labels package's Annotator and its annotation record, images up to
 * 4096x4096): {@value #LABELS_PER_CLASS} per class plus {@value #LABELS_FIXED} (a kept mask and a float
 * candidate map per class, the int label image, the union mask, and the record's copies of both);</li>
 * <li>pseudo-labels by the lean path of larger images ({@code LeanPseudoLabels}): {@value #LEAN_FIXED} (the
 * mask the labelling of one class makes, and the one a class's outlines are traced from) plus one bit per
 * class (each class's kept mask; the label files are written a band of rows at a time);</li>
 * <li>result folders of large images written one map at a time ({@code ResultFolder.writeTiled}): 4 for the
 * one map being stitched, whatever the number of classes and methods, plus the lean pseudo-labels;</li>
 * <li>shown in Fiji: a copy of each map for its window and the RGB heatmap overlay.</li>
 * </ul>
 */
public final class MemoryBudget {

	static final int LABELS_PER_CLASS = 6;
	static final int LABELS_FIXED = 14;
	static final int LEAN_FIXED = 2;

	private MemoryBudget() {}

	/**
	 * The full-size outputs asked for.
	 *
	 * @param maps full-size maps kept per class: one per method, plus one per layer kept at full size
	 * @param targets explained classes
	 * @param pseudoLabels whether pseudo-labels are made
	 * @param leanLabels whether they are made by the lean path of large images (result folders only)
	 * @param display whether the maps are also shown (Fiji's windows)
	 * @param evidenceMaps full-size maps per class made only for the pseudo-labels (the mean of the layer
	 *   maps the image-guided refinement reads, {@link TiledExplainer}); never shown
	 */
	public record Outputs(int maps, int targets, boolean pseudoLabels, boolean leanLabels, boolean display,
		int evidenceMaps, boolean oneMapAtATime)
	{

		/** Outputs whose full-size maps are all held at once. */
		public Outputs(final int maps, final int targets, final boolean pseudoLabels, final boolean leanLabels,
			final boolean display, final int evidenceMaps)
		{
			this(maps, targets, pseudoLabels, leanLabels, display, evidenceMaps, false);
		}

		/** A result folder written one full-size map at a time, labelled by the lean path. */
		public static Outputs oneMapAtATime(final int targets, final boolean pseudoLabels) {
			return new Outputs(1, targets, pseudoLabels, true, false, 0, true);
		}

		/** Outputs without evidence maps. */
		public Outputs(final int maps, final int targets, final boolean pseudoLabels, final boolean leanLabels,
			final boolean display)
		{
			this(maps, targets, pseudoLabels, leanLabels, display, 0);
		}
	}

	/** Bytes of heap the outputs of an image of this many pixels need at their peak. */
	public static long bytes(final long pixels, final Outputs outputs) {
		final long k = outputs.targets();
		final long maps = outputs.oneMapAtATime() ? 4L : 4L * outputs.maps() * k;
		final long display = outputs.display() ? maps + 4 : 0;
		final long bytes = pixels * (maps + 4L * outputs.evidenceMaps() * k + display);
		if (!outputs.pseudoLabels()) return bytes;
		if (outputs.leanLabels()) return bytes + pixels * LEAN_FIXED + (pixels * k + 7) / 8;
		return bytes + pixels * (LABELS_PER_CLASS * k + LABELS_FIXED);
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
		if (outputs.display()) s.append(", show fewer windows");
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
