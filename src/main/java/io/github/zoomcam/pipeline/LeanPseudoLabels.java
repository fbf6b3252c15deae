package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
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
		final long pixels = (long) width * height;
		if (pixels > Integer.MAX_VALUE - 8) {
			throw new ZoomCamException(explanation.imageName() + ": " + width + "x" + height + " pixels are more than one " +
				"Java array holds; its pseudo-labels cannot be made: crop the image");
		}
		// The maps are made; what the explanation left behind is garbage the labels can reuse (see
		// TiledExplainer: memory taken from the system once stays taken).
		System.gc();
		final PseudoLabeler labeler = options.labeler();
		final List<ClassAnnotation> classes = new ArrayList<>();
		final List<float[]> maps = new ArrayList<>();
		for (final TargetExplanation t : explanation.targets()) {
			final FloatMap map = t.map(method);
			if (map.width() != width || map.height() != height) {
				throw new ZoomCamException("map of class " + t.className() + " is " + map.width() + "x" + map.height() +
					" but the image is " + width + "x" + height);
			}
			// The labeller only reads the map: no copy.
			final PseudoLabel label = labeler.label(explanation.imageName() + " / " + t.className(), map.sharedValues(),
				width, height);
			classes.add(new ClassAnnotation(t.classIndex(), t.className(), t.probability(), label));
			maps.add(map.sharedValues());
		}
		final Calibration calibration = image.getCalibration();
		final String name = explanation.imageName();
		// One image-sized array at a time, each released once its file is written.
		HeatmapImages.writeTiff(maskImage(classes, width, height, name, calibration), dir.resolve(PseudoLabelOutputs
			.MASK));
		writeLabels(classes, maps, options, width, height, calibration, dir.resolve(PseudoLabelOutputs.LABELS));
		final float[] maxima = new float[maps.size()];
		for (int m = 0; m < maps.size(); m++) for (final float v : maps.get(m)) maxima[m] = Math.max(maxima[m], v);
		final List<Instance> instances = PseudoLabelOutputs.paperInstances(classes, maxima);
		final List<Roi> rois = PseudoLabelOutputs.paperRois(instances, classes, width, height);
		RoiConversion.writeRoiSet(rois, dir.resolve(PseudoLabelOutputs.ROIS));
		AtomicFiles.writeString(dir.resolve(PseudoLabelOutputs.BOXES), PseudoLabelOutputs.boxesCsv(name, instances,
			classes));
		final FloatMap heatmap = PseudoLabelOutputs.maxOf(explanation.targets().stream().map(t -> t.map(method))
			.toList());
		PseudoLabelOutputs.writeOverlay(rois, width, height, heatmap, image, plane, opacity, dir.resolve(
			PseudoLabelOutputs.OVERLAY));
		return new Labels(classes, instances);
	}

	/** 8-bit, 255 inside any class's kept components (as {@link PseudoLabelOutputs#maskImage}). */
	private static ImagePlus maskImage(final List<ClassAnnotation> classes, final int width, final int height,
		final String name, final Calibration calibration)
	{
		// The kept mask of the first class is a fresh copy: the union is made in it.
		final byte[] union = classes.isEmpty() ? new byte[width * height] : classes.get(0).label().mask();
		for (int i = 0; i < union.length; i++) if (union[i] != 0) union[i] = (byte) 255;
		for (int m = 1; m < classes.size(); m++) {
			final byte[] mask = classes.get(m).label().mask();
			for (int i = 0; i < union.length; i++) if (mask[i] != 0) union[i] = (byte) 255;
		}
		final ImagePlus imp = new ImagePlus(name + " mask", new ByteProcessor(width, height, union));
		if (calibration != null) imp.setCalibration(calibration.copy());
		return imp;
	}

	/**
	 * labels.tif: the 16-bit fused label image by {@link io.github.zoomcam.labels.Annotator}'s rule, made a
	 * band of rows at a time while it is written: a pixel inside a class's kept components is a candidate
	 * with that map's value divided by its maximum, unless that is below the background fraction; the highest
	 * candidate wins (the earlier class on ties); where no candidate is positive the pixel is background.
	 */
	static void writeLabels(final List<ClassAnnotation> classes, final List<float[]> maps,
		final AnnotationOptions options, final int width, final int height, final Calibration calibration,
		final Path target)
	{
		final double background = Double.isNaN(options.backgroundFraction()) ? 0 : options.backgroundFraction();
		final byte[][] masks = new byte[classes.size()][];
		final float[] max = new float[classes.size()];
		final short[] label = new short[classes.size()];
		int highest = 0;
		for (int m = 0; m < classes.size(); m++) {
			masks[m] = classes.get(m).label().mask();
			for (final float v : maps.get(m)) max[m] = Math.max(max[m], v);
			label[m] = (short) (classes.get(m).classIndex() + 1);
			highest = Math.max(highest, label[m]);
		}
		StreamedTiff.write16(target, width, height, calibration, Math.max(1, highest), (y0, rows, band) -> {
			final int from = y0 * width;
			for (int j = 0; j < rows * width; j++) {
				final int i = from + j;
				float best = 0f;
				for (int m = 0; m < masks.length; m++) {
					if (masks[m][i] == 0) continue;
					final float scaled = maps.get(m)[i] / max[m];
					if (scaled >= background && scaled > best) {
						best = scaled;
						band[j] = label[m];
					}
				}
			}
		});
	}
}
