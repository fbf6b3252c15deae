package io.github.zoomcam.pipeline;

import io.github.zoomcam.core.AtomicFiles;
import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.RoiScaler;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
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
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.MethodMaps;
import io.github.zoomcam.labels.Box;
import io.github.zoomcam.labels.ConnectedComponents;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.labels.Instance;
import io.github.zoomcam.labels.RefineOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pseudo-labels as ImageJ objects and files. The command line and the Fiji commands both go through
 * here, so a folder written by either has the same six files: mask.tif, labels.tif, instances.tif,
 * rois.zip, boxes.csv and overlay.png.
 */
public final class PseudoLabelOutputs {

	public static final String MASK = "mask.tif";
	public static final String LABELS = "labels.tif";
	public static final String INSTANCES = "instances.tif";
	public static final String ROIS = "rois.zip";
	public static final String BOXES = "boxes.csv";
	public static final String OVERLAY = "overlay.png";
	public static final String BOXES_HEADER = "image,instance,class,score,probability,x,y,width,height,area_px";
	/** ROI property holding the instance id (the instance image's value), so a ROI finds its row in boxes.csv. */
	public static final String INSTANCE_PROPERTY = "instance";

	/** Outline and box colours by class index (cyan, magenta, yellow, green, orange, ...), repeating. */
	private static final java.awt.Color[] CLASS_COLOURS = { new java.awt.Color(0, 255, 255), new java.awt.Color(255,
		0, 255), new java.awt.Color(255, 255, 0), new java.awt.Color(0, 255, 0), new java.awt.Color(255, 160, 0),
		new java.awt.Color(80, 160, 255), new java.awt.Color(255, 80, 80), new java.awt.Color(200, 255, 160) };

	private PseudoLabelOutputs() {}

	/** The colour of a class's outlines, boxes and labels: by class index, so one class has one colour everywhere. */
	public static java.awt.Color classColour(final int classIndex) {
		return CLASS_COLOURS[Math.floorMod(classIndex, CLASS_COLOURS.length)];
	}

	/**
	 * Annotates every explained target of an image from the map of {@code method} (original size), with the
	 * refinement {@code options} ask for.
	 *
	 * <p>The one entry point of pseudo-labelling for images up to {@link LeanPseudoLabels#MIN_PIXELS}, tiled or
	 * not: a tiled image's {@code explanation} carries the stitched full-size fused maps (from
	 * {@link io.github.zoomcam.pipeline.tiling.TiledExplainer}), so its labels are made on the whole image at once
	 * and an object crossing tile borders is one object. Callers: {@link ResultFolder#write} (command line,
	 * Generate Pseudo-Labels, Spark), which also holds the full-resolution image and the plane the maps explain
	 * (the guide), and Fiji's Explain Image (image and z, t).</p>
	 *
	 * @param guide the grey image the outlines come from ({@link #guide}), at the maps' size; may be null
	 *        for refinement {@code none}
	 */
	public static ImageAnnotation annotate(final ImageExplanation image, final CamMethod method,
		final AnnotationOptions options, final float[] guide)
	{
		final List<ClassMap> maps = new ArrayList<>();
		int width = image.width();
		int height = image.height();
		final boolean imageGuided = !options.refine().isNone();
		for (final TargetExplanation t : image.targets()) {
			final FloatMap map = t.map(method);
			width = map.width();
			height = map.height();
			final float[] evidence = imageGuided && method.multiLayer() ? evidence(t.methodMaps(method), width, height)
				: null;
			// The labels package only reads the map: no copy of a large image's map.
			maps.add(new ClassMap(t.classIndex(), t.className(), t.probability(), map.sharedValues(), evidence));
		}
		// Nothing to label: no foreground is sought, so an image without an explained class gets no warning.
		if (maps.isEmpty()) return Annotator.annotate(image.imageName(), width, height, maps, options);
		return Annotator.annotate(image.imageName(), width, height, maps, guide, options);
	}

	/** The paper's protocol or a refinement without a guide image (refinement {@code none} only). */
	public static ImageAnnotation annotate(final ImageExplanation image, final CamMethod method,
		final AnnotationOptions options)
	{
		return annotate(image, method, options, null);
	}

	/**
	 * The evidence map the image-guided refinement reads for a multi-layer method: the mean of the
	 * normalised layer maps ({@link ClassMap#meanOfLayers}), at the original size. Where the layer maps exist
	 * only at the model input size (large images), their mean is upsampled bilinearly with half-pixel
	 * centres, as the engine upsamples. A tiled image carries the mean itself, stitched from its tiles
	 * ({@link MethodMaps#evidenceAtOriginal}); without it (refinement none when explained) there is no
	 * evidence and the fused map stands in.
	 */
	static float[] evidence(final MethodMaps maps, final int width, final int height) {
		if (maps.evidenceAtOriginal() != null) return maps.evidenceAtOriginal().sharedValues(); // only read
		if (maps.hasLayerMapsAtOriginal()) {
			return ClassMap.meanOfLayers(maps.layerMapsAtOriginal().stream().map(FloatMap::toArray).toList());
		}
		final List<FloatMap> atInput = maps.layerMapsAtInput();
		if (atInput.isEmpty()) return null;
		final float[] mean = ClassMap.meanOfLayers(atInput.stream().map(FloatMap::toArray).toList());
		return resize(mean, atInput.get(0).width(), atInput.get(0).height(), width, height);
	}

	/** Bilinear resize with half-pixel centres (PyTorch's align_corners=False), edges clamped. */
	static float[] resize(final float[] values, final int w, final int h, final int width, final int height) {
		if (w == width && h == height) return values.clone();
		final float[] out = new float[width * height];
		final double sx = (double) w / width;
		final double sy = (double) h / height;
		for (int y = 0; y < height; y++) {
			final double fy = Math.max(0, (y + 0.5) * sy - 0.5);
			final int y0 = Math.min((int) fy, h - 1);
			final int y1 = Math.min(y0 + 1, h - 1);
			final double dy = fy - y0;
			for (int x = 0; x < width; x++) {
				final double fx = Math.max(0, (x + 0.5) * sx - 0.5);
				final int x0 = Math.min((int) fx, w - 1);
				final int x1 = Math.min(x0 + 1, w - 1);
				final double dx = fx - x0;
				final double top = values[y0 * w + x0] * (1 - dx) + values[y0 * w + x1] * dx;
				final double bottom = values[y1 * w + x0] * (1 - dx) + values[y1 * w + x1] * dx;
				out[y * width + x] = (float) (top * (1 - dy) + bottom * dy);
			}
		}
		return out;
	}

	/**
	 * The grey image the image-guided refinement takes outlines from: the explained plane itself for a grey
	 * image; for RGB its luminance (0.299 R + 0.587 G + 0.114 B, ITU-R BT.601, as ImageJ's weighted RGB
	 * conversion); for several channels of a hyperstack the mean of the channels. Raw intensities, no scaling.
	 *
	 * @param rgb whether the input's three channels are an RGB image's red, green and blue
	 */
	public static float[] guide(final ImageInput input, final boolean rgb) {
		final int n = input.width() * input.height();
		final int channels = input.channels();
		if (channels == 1) return input.planes()[0].clone();
		final float[] out = new float[n];
		if (rgb && channels == 3) {
			final float[] r = input.planes()[0];
			final float[] g = input.planes()[1];
			final float[] b = input.planes()[2];
			for (int i = 0; i < n; i++) out[i] = (float) (0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i]);
			return out;
		}
		for (int c = 0; c < channels; c++) {
			final float[] p = input.planes()[c];
			for (int i = 0; i < n; i++) out[i] += p[i];
		}
		for (int i = 0; i < n; i++) out[i] /= channels;
		return out;
	}

	/** {@link #guide(ImageInput, boolean)} of the plane (z, t) of an ImageJ image. */
	public static float[] guide(final ImagePlus image, final int z, final int t) {
		return guide(ImageConversion.toInput(image, image.getTitle(), z, t), image.getType() == ImagePlus.COLOR_RGB
			|| image.getType() == ImagePlus.COLOR_256);
	}

	/**
	 * The warnings of the pseudo-labels of an image as one line (e.g. an empty or all-dark image: no labels),
	 * or null when there is none. An image without an explained class has nothing to label, so it has none.
	 */
	public static String warningLine(final ImageAnnotation annotation) {
		if (annotation == null || annotation.warnings().isEmpty() || annotation.classes().isEmpty()) return null;
		return annotation.imageName() + ": pseudo-labels: " + String.join("; ", annotation.warnings());
	}

	/** ROI name of an instance: "<class> <score>" with the class evidence to two decimals. */
	public static String roiName(final Instance instance) {
		return String.format(Locale.ROOT, "%s %.2f", instance.className(), instance.score());
	}

	/**
	 * Per instance, in id order: its traced outline named "<class> <score>", then its bounding rectangle
	 * named "<class> <score> box", both in the class's colour ({@link #classColour}) and carrying the
	 * instance id as property {@value #INSTANCE_PROPERTY}. Image-guided outlines are traced from the
	 * instance image; the paper's protocol traces each kept component of its class's mask (where components
	 * of two classes overlap, the instance image gives the pixels to one of them).
	 */
	public static List<Roi> rois(final ImageAnnotation annotation) {
		if (RefineOptions.Mode.NONE.id().equals(annotation.refinement())) {
			return paperRois(annotation.instances(), annotation.classes(), annotation.width(), annotation.height());
		}
		final List<Roi> rois = new ArrayList<>();
		final int[] instanceImage = annotation.instanceImage();
		for (final Instance instance : annotation.instances()) {
			addOutlineAndBox(rois, instance, RoiConversion.outline(instanceImage, annotation.width(), instance.id(),
				instance.box()));
		}
		return rois;
	}

	/**
	 * {@link #rois(ImageAnnotation)} of the paper's protocol: each instance is a kept component of its class,
	 * traced from the class's kept mask (instances of a class in component order, classes in order). Each
	 * outline is traced from its component's box only: the kept mask is re-labelled as runs, in the same
	 * raster order as when the components were found, and no image-sized label image is made.
	 */
	static List<Roi> paperRois(final List<Instance> instances, final List<ClassAnnotation> classes, final int width,
		final int height)
	{
		final List<Roi> rois = new ArrayList<>();
		int next = 0;
		for (final ClassAnnotation c : classes) {
			final int count = c.label().components().size();
			if (count == 0) continue;
			// One kept component (the paper's "largest"): the mask in its box is its pixels, no re-labelling needed.
			final ConnectedComponents kept = count == 1 ? null : ConnectedComponents.of(c.label().mask(), width, height);
			for (int k = 1; k <= count; k++) {
				final Instance instance = instances.get(next++);
				final Box box = instance.box();
				final byte[] pixels = kept == null ? c.label().crop(box) : kept.crop(k, box);
				final Roi roi = RoiConversion.outline(pixels, box.width(), box.height());
				if (roi != null) roi.setLocation(roi.getXBase() + box.x(), roi.getYBase() + box.y());
				addOutlineAndBox(rois, instance, roi);
			}
		}
		return rois;
	}

	static void addOutlineAndBox(final List<Roi> rois, final Instance instance, final Roi outline) {
		final java.awt.Color colour = classColour(instance.classIndex());
		final String name = roiName(instance);
		if (outline != null) {
			outline.setName(name);
			outline.setStrokeColor(colour);
			outline.setProperty(INSTANCE_PROPERTY, String.valueOf(instance.id()));
			rois.add(outline);
		}
		final Roi box = RoiConversion.box(instance.box().x(), instance.box().y(), instance.box().width(), instance.box()
			.height());
		box.setName(name + " box");
		box.setStrokeColor(colour);
		box.setProperty(INSTANCE_PROPERTY, String.valueOf(instance.id()));
		rois.add(box);
	}

	/**
	 * The instances of the paper's protocol from its classes' kept components: ids 1..n class by class, score
	 * = the component's mean map value divided by the class map's maximum (as {@link Annotator} scores them).
	 *
	 * @param mapMaxima per class (in the order of {@code classes}), its map's maximum
	 */
	static List<Instance> paperInstances(final List<ClassAnnotation> classes, final float[] mapMaxima) {
		final List<Instance> instances = new ArrayList<>();
		for (int m = 0; m < classes.size(); m++) {
			final ClassAnnotation c = classes.get(m);
			for (final io.github.zoomcam.labels.Component k : c.label().components()) {
				final float score = mapMaxima[m] > 0 ? (float) (k.meanValue() / mapMaxima[m]) : 0f;
				instances.add(new Instance(instances.size() + 1, c.classIndex(), c.className(), score, k.box(), k
					.area()));
			}
		}
		return instances;
	}

	/**
	 * The overlay shown on the original image: the heatmap in the Fire LUT at {@code opacity}, the instances'
	 * outlines and boxes in their class's colour and a "<class> <score>" label at each box. Parts can be left
	 * out.
	 */
	public static Overlay overlay(final ImageAnnotation annotation, final FloatMap heatmap, final double opacity,
		final boolean outlines, final boolean boxes)
	{
		return overlay(rois(annotation), annotation.height(), heatmap == null || opacity <= 0 ? null : RoiConversion
			.heatmapOverlay(heatmap, opacity), outlines, boxes, 1);
	}

	/**
	 * The overlay of an image's ROIs ({@link #rois}) drawn at {@code scale} (1: the image's own size; less for a
	 * preview of a large image: outlines and boxes are scaled, labels drawn at the preview's size).
	 *
	 * @param heatmap the heatmap image overlay at that scale, or null
	 */
	static Overlay overlay(final List<Roi> rois, final int height, final Roi heatmap, final boolean outlines,
		final boolean boxes, final double scale)
	{
		final Overlay overlay = new Overlay();
		if (heatmap != null) overlay.add(heatmap);
		final int shownHeight = (int) Math.round(height * scale);
		for (final Roi full : rois) {
			final Roi roi = scale == 1 ? full : RoiScaler.scale(full, scale, scale, false);
			roi.setName(full.getName());
			roi.setStrokeColor(full.getStrokeColor());
			final boolean isBox = roi.getName() != null && roi.getName().endsWith(" box");
			if (isBox && boxes) {
				overlay.add(roi);
				final var label = RoiConversion.boxLabel(roi.getName().substring(0, roi.getName().length() - 4), roi
					.getBounds().x, roi.getBounds().y, shownHeight);
				label.setStrokeColor(roi.getStrokeColor());
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

	/**
	 * Instance label image: 0 background, each instance its own id (as StarDist writes); 16-bit while the ids
	 * fit, else 32-bit (exact up to 2^24 instances).
	 */
	public static ImagePlus instanceImage(final ImageAnnotation annotation, final String title,
		final Calibration calibration)
	{
		final int[] ids = annotation.instanceImage();
		final int max = annotation.instances().size();
		final ImageProcessor ip;
		if (max <= 65535) {
			final short[] pixels = new short[ids.length];
			for (int i = 0; i < ids.length; i++) pixels[i] = (short) ids[i];
			ip = new ShortProcessor(annotation.width(), annotation.height(), pixels, null);
		}
		else {
			final float[] pixels = new float[ids.length];
			for (int i = 0; i < ids.length; i++) pixels[i] = ids[i];
			ip = new FloatProcessor(annotation.width(), annotation.height(), pixels);
		}
		ip.setMinAndMax(0, Math.max(1, max));
		final ImagePlus imp = new ImagePlus(title, ip);
		if (calibration != null) imp.setCalibration(calibration.copy());
		return imp;
	}

	/** The classifier's probability of each explained class, by class index. */
	private static Map<Integer, Float> probabilities(final ImageAnnotation annotation) {
		final Map<Integer, Float> p = new HashMap<>();
		for (final ClassAnnotation c : annotation.classes()) p.put(c.classIndex(), c.score());
		return p;
	}

	/**
	 * One row per instance (the boxes.csv columns): image, instance id, class, score (the class evidence),
	 * the classifier's probability of the class, box and area in pixels.
	 */
	public static ResultsTable table(final ImageAnnotation annotation, final ResultsTable into) {
		final ResultsTable table = into != null ? into : new ResultsTable();
		final Map<Integer, Float> probabilities = probabilities(annotation);
		for (final Instance instance : annotation.instances()) {
			table.incrementCounter();
			table.addValue("image", annotation.imageName());
			table.addValue("instance", instance.id());
			table.addValue("class", instance.className());
			table.addValue("score", instance.score());
			table.addValue("probability", probabilities.getOrDefault(instance.classIndex(), Float.NaN));
			table.addValue("x", instance.box().x());
			table.addValue("y", instance.box().y());
			table.addValue("width", instance.box().width());
			table.addValue("height", instance.box().height());
			table.addValue("area_px", instance.area());
		}
		return table;
	}

	/** boxes.csv text: {@link #BOXES_HEADER}, then one row per instance in id order. */
	public static String boxesCsv(final ImageAnnotation annotation) {
		return boxesCsv(annotation.imageName(), annotation.instances(), annotation.classes());
	}

	/** {@link #boxesCsv(ImageAnnotation)} of an image's instances (probabilities from its classes). */
	static String boxesCsv(final String imageName, final List<Instance> instances, final List<ClassAnnotation> classes)
	{
		final StringBuilder csv = new StringBuilder(BOXES_HEADER).append('\n');
		final Map<Integer, Float> probabilities = new HashMap<>();
		for (final ClassAnnotation c : classes) probabilities.put(c.classIndex(), c.score());
		for (final Instance instance : instances) {
			csv.append(String.format(Locale.ROOT, "%s,%d,%s,%.6f,%.6f,%d,%d,%d,%d,%d%n", csvCell(imageName), instance.id(),
				csvCell(instance.className()), instance.score(), probabilities.getOrDefault(instance.classIndex(),
					Float.NaN), instance.box().x(), instance.box().y(), instance.box().width(), instance.box().height(),
				instance.area()));
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
	 * Writes mask.tif, labels.tif, instances.tif, rois.zip, boxes.csv and overlay.png into {@code dir}, each
	 * via a temporary name and an atomic rename.
	 */
	public static List<String> writeAll(final ImageAnnotation annotation, final FloatMap heatmap,
		final ImagePlus image, final int plane, final double opacity, final Path dir)
	{
		final Calibration calibration = image.getCalibration();
		HeatmapImages.writeTiff(maskImage(annotation, annotation.imageName() + " mask", calibration), dir.resolve(
			MASK));
		HeatmapImages.writeTiff(labelImage(annotation, annotation.imageName() + " labels", calibration), dir.resolve(
			LABELS));
		HeatmapImages.writeTiff(instanceImage(annotation, annotation.imageName() + " instances", calibration), dir
			.resolve(INSTANCES));
		RoiConversion.writeRoiSet(rois(annotation), dir.resolve(ROIS));
		AtomicFiles.writeString(dir.resolve(BOXES), boxesCsv(annotation));
		writeOverlay(rois(annotation), annotation.width(), annotation.height(), heatmap, image, plane, opacity, dir
			.resolve(OVERLAY));
		return List.of(MASK, LABELS, INSTANCES, ROIS, BOXES, OVERLAY);
	}

	/**
	 * overlay.png is a preview: an image with a side longer than this is drawn scaled down by a whole factor
	 * to at most this (a full-size RGB picture of a 16384x16384 image would take 1 GB and four copies to draw).
	 */
	public static final int OVERLAY_MAX_SIDE = 4096;

	/** The whole factor overlay.png of an image of this size is scaled down by. */
	static int overlayFactor(final int width, final int height) {
		return (Math.max(width, height) + OVERLAY_MAX_SIDE - 1) / OVERLAY_MAX_SIDE;
	}

	/** Writes overlay.png: the image's plane, the heatmap, outlines and labelled boxes (scaled for large images). */
	static void writeOverlay(final List<Roi> rois, final int width, final int height, final FloatMap heatmap,
		final ImagePlus image, final int plane, final double opacity, final Path target)
	{
		final int factor = overlayFactor(width, height);
		final FloatProcessor heat = heatmap == null || opacity <= 0 ? null : factor == 1 ? ImageConversion
			.sharedProcessor(heatmap) : (FloatProcessor) BlockAverage.of(ImageConversion.sharedProcessor(heatmap),
				factor);
		writeOverlay(rois, width, height, heat, image, plane, opacity, target);
	}

	/**
	 * {@link #writeOverlay(List, int, int, FloatMap, ImagePlus, int, double, Path)} with the heatmap already
	 * shrunk by {@link #overlayFactor} (made band by band for a large image); null for none.
	 */
	static void writeOverlay(final List<Roi> rois, final int width, final int height, final FloatProcessor heatmap,
		final ImagePlus image, final int plane, final double opacity, final Path target)
	{
		final int factor = overlayFactor(width, height);
		final Roi heat = heatmap == null || opacity <= 0 ? null : RoiConversion.heatmapOverlay(heatmap, opacity);
		if (factor == 1) {
			RoiConversion.writeFlattened(displayCopy(image, plane), overlay(rois, height, heat, true, true, 1), target);
			return;
		}
		final ImageProcessor source = image.getStack().getProcessor(Math.max(1, Math.min(plane, image.getStackSize())));
		final ImageProcessor small = BlockAverage.of(source, factor);
		if (!(small instanceof ij.process.ColorProcessor)) small.resetMinAndMax();
		RoiConversion.writeFlattened(new ImagePlus(image.getTitle(), small.convertToRGB()), overlay(rois, height, heat,
			true, true, 1.0 / factor), target);
	}

	/**
	 * The picture under overlay.png's outlines, as {@link #writeOverlay} draws it: the image's plane (shrunk by
	 * {@link #overlayFactor}) with the heatmap (already shrunk; null for none) drawn in. The outlines of a large
	 * image's instances are drawn onto it block by block ({@link RoiConversion#flattenOnto}).
	 */
	static ImagePlus overlayPicture(final int width, final int height, final FloatProcessor heatmap,
		final ImagePlus image, final int plane, final double opacity)
	{
		final int factor = overlayFactor(width, height);
		final ImagePlus picture;
		if (factor == 1) {
			picture = displayCopy(image, plane);
		}
		else {
			final ImageProcessor source = image.getStack().getProcessor(Math.max(1, Math.min(plane, image
				.getStackSize())));
			final ImageProcessor small = BlockAverage.of(source, factor);
			if (!(small instanceof ij.process.ColorProcessor)) small.resetMinAndMax();
			picture = new ImagePlus(image.getTitle(), small.convertToRGB());
		}
		final ImagePlus rgb = picture.getType() == ImagePlus.COLOR_RGB ? picture : new ImagePlus(picture.getTitle(),
			picture.getProcessor().convertToRGB());
		if (heatmap == null || opacity <= 0) return rgb;
		final Overlay heat = new Overlay();
		heat.add(RoiConversion.heatmapOverlay(heatmap, opacity));
		return RoiConversion.flattenOnto(rgb, heat);
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
