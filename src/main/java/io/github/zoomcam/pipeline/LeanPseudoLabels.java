package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.Instance;
import io.github.zoomcam.labels.PseudoLabel;
import io.github.zoomcam.labels.PseudoLabeler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pseudo-label files of a very large image, made without image-sized copies: the same protocol, rule
 * and files as {@link PseudoLabelOutputs#annotate} with {@link PseudoLabelOutputs#writeAll} (each class map
 * cut and its components kept by the labels package's {@link PseudoLabeler}; classes fused as
 * {@link io.github.zoomcam.labels.Annotator} fuses them), but holding only what each file needs while it is
 * written: per class its kept mask (1 byte per pixel), a copy of it while mask.tif and labels.tif are written
 * (labels.tif is made a band of rows at a time). The general path holds an int label
 * image, a float candidate map per class and copies of both (about 19 bytes per pixel for one class),
 * which for a 16384x16384 image is 5 GB on top of the map itself.
 *
 * <p>Used for images above {@link #MIN_PIXELS} in result folders ({@link ResultFolder#write}: command line,
 * Generate Pseudo-Labels, Spark); below, and always in Fiji's Explain Image, the general path runs
 * ({@link PseudoLabelOutputs#annotate}, the labels package's {@link io.github.zoomcam.labels.Annotator}).
 * Tests check that both give the same files. This path reuses only the labels package's per-class
 * {@link PseudoLabeler} (threshold, components, kept components) and the Annotator's fusion rule, rewritten
 * here band by band: a labelling added to the Annotator (e.g. one guided by the image's pixels) does not
 * reach images this large until it is added here too, with its memory counted in
 * {@link io.github.zoomcam.pipeline.tiling.MemoryBudget} (a float copy of a 16384x16384 image is 1 GB).
 * {@code image} is the full-resolution image the maps explain, {@code plane} its stack index.</p>
 */
public final class LeanPseudoLabels {

	/** Images of more pixels than this (4096 x 4096) are labelled here. */
	public static final long MIN_PIXELS = 4096L * 4096L;

	private LeanPseudoLabels() {}

	/** Whether an explanation of this size is labelled here. */
	public static boolean applies(final ImageExplanation explanation) {
		return (long) explanation.width() * explanation.height() > MIN_PIXELS;
	}

	/**
	 * What was labelled: each class's pseudo-label and the instances (its kept components, ids 1..n class by
	 * class), for result.json and the instance count.
	 */
	public record Labels(List<ClassAnnotation> classes, List<Instance> instances) {

		public Labels {
			classes = List.copyOf(classes);
			instances = List.copyOf(instances);
		}
	}

	/** Rows of the explained classes' full-size maps, read again once every class has been labelled. */
	@FunctionalInterface
	public interface MapRows {

		/**
		 * Fills {@code into} (from its start, row-major) with rows {@code y0 .. y0 + rows - 1} of the map of the
		 * {@code target}-th class added to the {@link Session}.
		 */
		void read(int target, int y0, int rows, float[] into);
	}

	/**
	 * Labels every target of the explanation from the method's full-size map by the paper's protocol (refine
	 * none: the image-guided refinement is not made this lean) and writes mask.tif, labels.tif, rois.zip,
	 * boxes.csv and overlay.png into {@code dir}; no instances.tif (an int per pixel and class would be needed
	 * to number the components).
	 */
	public static Labels write(final ImageExplanation explanation, final CamMethod method,
		final AnnotationOptions options, final ImagePlus image, final int plane, final double opacity, final Path dir)
	{
		final int width = explanation.width();
		final int height = explanation.height();
		// The maps are made; what the explanation left behind is garbage the labels can reuse (see
		// TiledExplainer: memory taken from the system once stays taken).
		System.gc();
		final Session session = new Session(explanation.imageName(), width, height, options);
		final List<float[]> maps = new ArrayList<>();
		for (final TargetExplanation t : explanation.targets()) {
			final FloatMap map = t.map(method);
			session.add(t.classIndex(), t.className(), t.probability(), map);
			maps.add(map.sharedValues());
		}
		return session.finish((target, y0, rows, into) -> System.arraycopy(maps.get(target), y0 * width, into, 0,
			rows * width), image, plane, opacity, dir);
	}

	/**
	 * The pseudo-labels of one large image made a class at a time: each class's map is labelled as it comes
	 * ({@link #add}) and need not stay in memory, since the files that combine the classes ({@link #finish})
	 * read the maps again a band of rows at a time. What stays is per class its kept components and its kept
	 * mask at one bit per pixel.
	 */
	public static final class Session {

		private final String name;
		private final int width;
		private final int height;
		private final AnnotationOptions options;
		private final PseudoLabeler labeler;
		private final List<ClassAnnotation> classes = new ArrayList<>();
		private final List<Float> maxima = new ArrayList<>();

		public Session(final String name, final int width, final int height, final AnnotationOptions options) {
			if ((long) width * height > Integer.MAX_VALUE - 8) {
				throw new ZoomCamException(name + ": " + width + "x" + height + " pixels are more than one Java array " +
					"holds; its pseudo-labels cannot be made: crop the image");
			}
			this.name = name;
			this.width = width;
			this.height = height;
			this.options = options;
			this.labeler = options.labeler();
		}

		/** Labels one class's full-size map (only read: the caller may reuse it afterwards). */
		public void add(final int classIndex, final String className, final float probability, final FloatMap map) {
			if (map.width() != width || map.height() != height) {
				throw new ZoomCamException("map of class " + className + " is " + map.width() + "x" + map.height() +
					" but the image is " + width + "x" + height);
			}
			final PseudoLabel label = labeler.label(name + " / " + className, map.sharedValues(), width, height);
			classes.add(new ClassAnnotation(classIndex, className, probability, label));
			float max = 0;
			for (final float v : map.sharedValues()) max = Math.max(max, v);
			maxima.add(max);
		}

		/**
		 * Writes mask.tif, labels.tif, rois.zip, boxes.csv and overlay.png into {@code dir}, reading the maps
		 * again from {@code rows} in the order they were added.
		 */
		public Labels finish(final MapRows rows, final ImagePlus image, final int plane, final double opacity,
			final Path dir)
		{
			final Calibration calibration = image.getCalibration();
			StreamedTiff.write8(dir.resolve(PseudoLabelOutputs.MASK), width, height, calibration, (y0, n, band) ->
				unionRows(y0, n, band));
			writeLabels(rows, calibration, dir.resolve(PseudoLabelOutputs.LABELS));
			final float[] max = new float[maxima.size()];
			for (int m = 0; m < max.length; m++) max[m] = maxima.get(m);
			final List<Instance> instances = PseudoLabelOutputs.paperInstances(classes, max);
			final List<Roi> rois = PseudoLabelOutputs.paperRois(instances, classes, width, height);
			RoiConversion.writeRoiSet(rois, dir.resolve(PseudoLabelOutputs.ROIS));
			AtomicFiles.writeString(dir.resolve(PseudoLabelOutputs.BOXES), PseudoLabelOutputs.boxesCsv(name, instances,
				classes));
			final FloatProcessor heatmap = opacity <= 0 || classes.isEmpty() ? null : overlayHeatmap(rows, classes.size(),
				width, height);
			PseudoLabelOutputs.writeOverlay(rois, width, height, heatmap, image, plane, opacity, dir.resolve(
				PseudoLabelOutputs.OVERLAY));
			return new Labels(classes, instances);
		}

		/** 255 inside any class's kept components (as {@link PseudoLabelOutputs#maskImage}). */
		private void unionRows(final int y0, final int rows, final byte[] band) {
			final byte[] mask = new byte[rows * width];
			for (final ClassAnnotation c : classes) {
				c.label().maskRows(y0, rows, mask);
				for (int i = 0; i < rows * width; i++) if (mask[i] != 0) band[i] = (byte) 255;
			}
		}

		/**
		 * labels.tif: the 16-bit fused label image by {@link io.github.zoomcam.labels.Annotator}'s rule, made a
		 * band of rows at a time while it is written: a pixel inside a class's kept components is a candidate
		 * with that map's value divided by its maximum, unless that is below the background fraction; the
		 * highest candidate wins (the earlier class on ties); where no candidate is positive the pixel is
		 * background.
		 */
		private void writeLabels(final MapRows rows, final Calibration calibration, final Path target) {
			final double background = Double.isNaN(options.backgroundFraction()) ? 0 : options.backgroundFraction();
			final short[] label = new short[classes.size()];
			int highest = 0;
			for (int m = 0; m < classes.size(); m++) {
				label[m] = (short) (classes.get(m).classIndex() + 1);
				highest = Math.max(highest, label[m]);
			}
			final int bandRows = Math.min(StreamedTiff.ROWS_PER_BAND, height);
			final byte[] mask = new byte[bandRows * width];
			final float[] values = new float[bandRows * width];
			final float[] best = new float[bandRows * width];
			StreamedTiff.write16(target, width, height, calibration, Math.max(1, highest), (y0, n, band) -> {
				java.util.Arrays.fill(best, 0f);
				for (int m = 0; m < classes.size(); m++) {
					if (classes.get(m).label().isEmpty()) continue;
					classes.get(m).label().maskRows(y0, n, mask);
					rows.read(m, y0, n, values);
					final float max = maxima.get(m);
					for (int j = 0; j < n * width; j++) {
						if (mask[j] == 0) continue;
						final float scaled = values[j] / max;
						if (scaled >= background && scaled > best[j]) {
							best[j] = scaled;
							band[j] = label[m];
						}
					}
				}
			});
		}
	}

	/**
	 * The pixel-wise maximum of the class maps, shrunk for overlay.png ({@link PseudoLabelOutputs#overlayFactor}):
	 * made a band of rows at a time, each band the rows of one row of the shrunk map.
	 */
	static FloatProcessor overlayHeatmap(final MapRows rows, final int count, final int width, final int height) {
		final int factor = PseudoLabelOutputs.overlayFactor(width, height);
		final int smallWidth = (width + factor - 1) / factor;
		final int smallHeight = (height + factor - 1) / factor;
		final float[] small = new float[smallWidth * smallHeight];
		final float[] values = new float[factor * width];
		final float[] max = new float[factor * width];
		for (int oy = 0; oy < smallHeight; oy++) {
			final int y0 = oy * factor;
			final int n = Math.min(factor, height - y0);
			for (int m = 0; m < count; m++) {
				rows.read(m, y0, n, m == 0 ? max : values);
				if (m == 0) continue;
				for (int j = 0; j < n * width; j++) max[j] = Math.max(max[j], values[j]);
			}
			final float[] shrunk = factor == 1 ? java.util.Arrays.copyOf(max, width) : (float[]) BlockAverage.of(
				new FloatProcessor(width, n, java.util.Arrays.copyOf(max, n * width)), factor).getPixels();
			System.arraycopy(shrunk, 0, small, oy * smallWidth, smallWidth);
		}
		return new FloatProcessor(smallWidth, smallHeight, small);
	}
}
