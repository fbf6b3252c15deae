package io.github.zoomcam.pipeline;

import io.github.zoomcam.core.AtomicFiles;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.RoiScaler;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.Annotator;
import io.github.zoomcam.labels.ClassMap;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.Component;
import io.github.zoomcam.labels.ConnectedComponents;
import io.github.zoomcam.labels.ImageAnnotation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pseudo-labels as ImageJ objects and files. The command line and the Fiji commands both go through
 * here, so a folder written by either has the same five files: mask.tif, labels.tif, rois.zip,
 * boxes.csv and overlay.png.
 */
public final class PseudoLabelOutputs {

	public static final String MASK = "mask.tif";
	public static final String LABELS = "labels.tif";
	public static final String ROIS = "rois.zip";
	public static final String BOXES = "boxes.csv";
	public static final String OVERLAY = "overlay.png";
	public static final String BOXES_HEADER = "image,class,score,x,y,width,height,area_px";

	private PseudoLabelOutputs() {}

	/**
	 * Annotates every explained target of an image from the map of {@code method} (original size when computed).
	 *
	 * <p>The one entry point of pseudo-labelling for images up to {@link LeanPseudoLabels#MIN_PIXELS}, tiled or
	 * not: a tiled image's {@code explanation} carries the stitched full-size fused maps (from
	 * {@link io.github.zoomcam.pipeline.tiling.TiledExplainer}), so its labels are made on the whole image at once
	 * and an object crossing tile borders is one component. Callers: {@link ResultFolder#write} (command line,
	 * Generate Pseudo-Labels, Spark), which also holds the full-resolution image and the plane the maps explain,
	 * and Fiji's Explain Image (image and z, t). A labelling guided by the image's pixels takes them from
	 * there; per-layer maps of a tiled image are not stitched at full size unless asked
	 * ({@code layer-maps original}), so only the fused map is there to label from.</p>
	 */
	public static ImageAnnotation annotate(final ImageExplanation image, final CamMethod method,
		final AnnotationOptions options)
	{
		final List<ClassMap> maps = new ArrayList<>();
		int width = image.width();
		int height = image.height();
		for (final TargetExplanation t : image.targets()) {
			final FloatMap map = t.map(method);
			width = map.width();
			height = map.height();
			// The labels package only reads the map: no copy of a large image's map.
			maps.add(new ClassMap(t.classIndex(), t.className(), t.probability(), map.sharedValues()));
		}
		return Annotator.annotate(image.imageName(), width, height, maps, options);
	}

	/** ROI name of a component: "<class> <score>", as the ROI Manager lists it. */
	public static String roiName(final ClassAnnotation c) {
		return String.format(Locale.ROOT, "%s %.3f", c.className(), c.score());
	}

	/**
	 * One traced outline per kept component, named "<class> <score>", followed by its bounding rectangle
	 * named "<class> <score> box". Outlines are cyan, boxes yellow.
	 */
	public static List<Roi> rois(final ImageAnnotation annotation) {
		return rois(annotation.classes(), annotation.width(), annotation.height());
	}

	/** {@link #rois(ImageAnnotation)} of the classes of an image of this size. */
	public static List<Roi> rois(final List<ClassAnnotation> classes, final int width, final int height) {
		final List<Roi> rois = new ArrayList<>();
		for (final ClassAnnotation c : classes) {
			if (c.label().components().isEmpty()) continue;
			final byte[] mask = c.label().mask();
			if (c.label().components().size() == 1) {
				// One kept component (the paper's "largest"): the mask is its outline's pixels; no label image.
				final Component component = c.label().components().get(0);
				final Roi outline = RoiConversion.outline(mask, width, height);
				if (outline != null) addOutlineAndBox(rois, c, outline, component);
				continue;
			}
			// The kept mask is re-labelled in the same raster order as when the components were found.
			final ConnectedComponents kept = ConnectedComponents.of(mask, width, height);
			final int[] labels = kept.labels();
			for (int k = 1; k <= kept.count(); k++) {
				final Component component = kept.component(k);
				final Roi outline = RoiConversion.outline(labels, width, height, k);
				if (outline == null) continue;
				addOutlineAndBox(rois, c, outline, component);
			}
		}
		return rois;
	}

	private static void addOutlineAndBox(final List<Roi> rois, final ClassAnnotation c, final Roi outline,
		final Component component)
	{
		outline.setName(roiName(c));
		outline.setStrokeColor(RoiConversion.OUTLINE);
		rois.add(outline);
		final Roi box = RoiConversion.box(component.box().x(), component.box().y(), component.box().width(), component
			.box().height());
		box.setName(roiName(c) + " box");
		box.setStrokeColor(BOX_COLOUR);
		rois.add(box);
	}

	private static final java.awt.Color BOX_COLOUR = new java.awt.Color(255, 255, 0);

	/**
	 * The overlay shown on the original image: the heatmap in the Fire LUT at {@code opacity}, the
	 * outlines, the boxes and a "<class> <score>" label at each box. Parts can be left out.
	 */
	public static Overlay overlay(final ImageAnnotation annotation, final FloatMap heatmap, final double opacity,
		final boolean outlines, final boolean boxes)
	{
		return overlay(annotation.classes(), annotation.width(), annotation.height(), heatmap == null || opacity <= 0
			? null : RoiConversion.heatmapOverlay(heatmap, opacity), outlines, boxes, 1);
	}

	/**
	 * The overlay of the classes of an image of this size, drawn at {@code scale} (1: the image's own size;
	 * less for a preview of a large image: outlines and boxes are scaled, labels drawn at the preview's size).
	 *
	 * @param heatmap the heatmap image overlay at that scale, or null
	 */
	static Overlay overlay(final List<ClassAnnotation> classes, final int width, final int height, final Roi heatmap,
		final boolean outlines, final boolean boxes, final double scale)
	{
		final Overlay overlay = new Overlay();
		if (heatmap != null) overlay.add(heatmap);
		final int shownHeight = (int) Math.round(height * scale);
		for (final Roi full : rois(classes, width, height)) {
			final Roi roi = scale == 1 ? full : RoiScaler.scale(full, scale, scale, false);
			roi.setName(full.getName());
			roi.setStrokeColor(full.getStrokeColor());
			final boolean isBox = roi.getName() != null && roi.getName().endsWith(" box");
			if (isBox && boxes) {
				overlay.add(roi);
				final var label = RoiConversion.boxLabel(roi.getName().substring(0, roi.getName().length() - 4), roi
					.getBounds().x, roi.getBounds().y, shownHeight);
				label.setStrokeColor(BOX_COLOUR);
				overlay.add(label);
			}
			else if (!isBox && outlines) {
				overlay.add(roi);
			}
		}
		return overlay;
	}

	/** 8-bit mask, 255 inside any kept component. */
	public static ImagePlus maskImage(final ImageAnnotation annotation, final String title,
		final Calibration calibration)
	{
		final ImagePlus imp = new ImagePlus(title, new ByteProcessor(annotation.width(), annotation.height(),
			annotation.mask()));
		if (calibration != null) imp.setCalibration(calibration.copy());
		return imp;
	}

	/** 16-bit label image, 0 = background, k = class index + 1, shown with a glasbey-like LUT range. */
	public static ImagePlus labelImage(final ImageAnnotation annotation, final String title,
		final Calibration calibration)
	{
		final int[] labels = annotation.labelImage();
		final short[] pixels = new short[labels.length];
		int max = 0;
		for (int i = 0; i < labels.length; i++) {
			pixels[i] = (short) labels[i];
			max = Math.max(max, labels[i]);
		}
		final ShortProcessor sp = new ShortProcessor(annotation.width(), annotation.height(), pixels, null);
		sp.setMinAndMax(0, Math.max(1, max));
		final ImagePlus imp = new ImagePlus(title, sp);
		if (calibration != null) imp.setCalibration(calibration.copy());
		return imp;
	}

	/** One row per kept component: class, score, box and area in pixels (the boxes.csv columns). */
	public static ResultsTable table(final ImageAnnotation annotation, final ResultsTable into) {
		final ResultsTable table = into != null ? into : new ResultsTable();
		for (final ClassAnnotation c : annotation.classes()) {
			for (final Component component : c.label().components()) {
				table.incrementCounter();
				table.addValue("image", annotation.imageName());
				table.addValue("class", c.className());
				table.addValue("score", c.score());
				table.addValue("x", component.box().x());
				table.addValue("y", component.box().y());
				table.addValue("width", component.box().width());
				table.addValue("height", component.box().height());
				table.addValue("area_px", component.area());
			}
		}
		return table;
	}

	/** boxes.csv text: header then one row per kept component. */
	public static String boxesCsv(final ImageAnnotation annotation) {
		return boxesCsv(annotation.imageName(), annotation.classes());
	}

	/** {@link #boxesCsv(ImageAnnotation)} of an image's classes. */
	public static String boxesCsv(final String imageName, final List<ClassAnnotation> classes) {
		final StringBuilder csv = new StringBuilder(BOXES_HEADER).append('\n');
		for (final ClassAnnotation c : classes) {
			for (final Component component : c.label().components()) {
				csv.append(String.format(Locale.ROOT, "%s,%s,%.6f,%d,%d,%d,%d,%d%n", csvCell(imageName),
					csvCell(c.className()), c.score(), component.box().x(), component.box().y(), component.box().width(),
					component.box().height(), component.area()));
			}
		}
		return csv.toString();
	}

	private static String csvCell(final String text) {
		if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
			return "\"" + text.replace("\"", "\"\"") + "\"";
		}
		return text;
	}

	/**
	 * A display copy of the plane the maps were computed from, as RGB, so the overlay flattens with the
	 * image's own contrast (16/32-bit data are auto-scaled).
	 */
	public static ImagePlus displayCopy(final ImagePlus image, final int plane) {
		final ImageProcessor ip = image.getStack().getProcessor(Math.max(1, Math.min(plane, image.getStackSize())))
			.duplicate();
		if (!(ip instanceof ij.process.ColorProcessor)) ip.resetMinAndMax();
		return new ImagePlus(image.getTitle(), ip.convertToRGB());
	}

	/**
	 * Writes mask.tif, labels.tif, rois.zip, boxes.csv and overlay.png into {@code dir}, each via a
	 * temporary name and an atomic rename.
	 */
	public static List<String> writeAll(final ImageAnnotation annotation, final FloatMap heatmap,
		final ImagePlus image, final int plane, final double opacity, final Path dir)
	{
		final Calibration calibration = image.getCalibration();
		HeatmapImages.writeTiff(maskImage(annotation, annotation.imageName() + " mask", calibration), dir.resolve(
			MASK));
		HeatmapImages.writeTiff(labelImage(annotation, annotation.imageName() + " labels", calibration), dir.resolve(
			LABELS));
		RoiConversion.writeRoiSet(rois(annotation), dir.resolve(ROIS));
		AtomicFiles.writeString(dir.resolve(BOXES), boxesCsv(annotation));
		writeOverlay(annotation.classes(), annotation.width(), annotation.height(), heatmap, image, plane, opacity, dir
			.resolve(OVERLAY));
		return List.of(MASK, LABELS, ROIS, BOXES, OVERLAY);
	}

	/**
	 * overlay.png is a preview: an image with a side longer than this is drawn scaled down by a whole factor
	 * to at most this (a full-size RGB picture of a 16384x16384 image would take 1 GB and four copies to draw).
	 */
	public static final int OVERLAY_MAX_SIDE = 4096;

	/** Writes overlay.png: the image's plane, the heatmap, outlines and labelled boxes (scaled for large images). */
	static void writeOverlay(final List<ClassAnnotation> classes, final int width, final int height,
		final FloatMap heatmap, final ImagePlus image, final int plane, final double opacity, final Path target)
	{
		final int factor = (Math.max(width, height) + OVERLAY_MAX_SIDE - 1) / OVERLAY_MAX_SIDE;
		if (factor == 1) {
			final Roi heat = heatmap == null || opacity <= 0 ? null : RoiConversion.heatmapOverlay(heatmap, opacity);
			RoiConversion.writeFlattened(displayCopy(image, plane), overlay(classes, width, height, heat, true, true, 1),
				target);
			return;
		}
		final ImageProcessor source = image.getStack().getProcessor(Math.max(1, Math.min(plane, image.getStackSize())));
		final ImageProcessor small = BlockAverage.of(source, factor);
		if (!(small instanceof ij.process.ColorProcessor)) small.resetMinAndMax();
		final Roi heat = heatmap == null || opacity <= 0 ? null : RoiConversion.heatmapOverlay((ij.process.FloatProcessor)
			BlockAverage.of(ImageConversion.sharedProcessor(heatmap), factor), opacity);
		RoiConversion.writeFlattened(new ImagePlus(image.getTitle(), small.convertToRGB()), overlay(classes, width,
			height, heat, true, true, 1.0 / factor), target);
	}

	/** Pixel-wise maximum of several maps of one size (one heatmap for the overlay of several classes). */
	public static FloatMap maxOf(final List<FloatMap> maps) {
		if (maps.isEmpty()) return null;
		if (maps.size() == 1) return maps.get(0);
		final float[] values = maps.get(0).toArray();
		for (int m = 1; m < maps.size(); m++) {
			final float[] other = maps.get(m).toArray();
			for (int i = 0; i < values.length; i++) values[i] = Math.max(values[i], other[i]);
		}
		return FloatMap.of(maps.get(0).width(), maps.get(0).height(), values);
	}
}
