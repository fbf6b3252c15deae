package io.github.zoomcam.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.pipeline.HeatmapImages;
import io.github.zoomcam.pipeline.ImageConversion;
import io.github.zoomcam.pipeline.PseudoLabelOutputs;
import io.github.zoomcam.labels.ImageAnnotation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects, plane by plane, what "Explain Image..." shows: the per-layer heatmap stack, the method's map,
 * the label image, the overlay elements and ROIs (positioned on their plane), and Results table rows.
 * Stacks get one slice per plane (and per class when several classes are explained), labelled so that
 * each slice says what it is.
 */
final class ExplainOutputs {

	/** Property set on every overlay element this plugin adds, so that a re-run replaces only those. */
	static final String TAG = "zoomcam";

	private final ImagePlus image;
	private final CamMethod method;
	private final double opacity;
	private final boolean severalPlanes;
	private ImageStack heatmaps;
	private ImageStack maps;
	private ImageStack labels;
	private ImageStack instances;
	private int maxInstances;
	private final Overlay overlay = new Overlay();
	private final List<Roi> rois = new ArrayList<>();
	private final List<String> notes = new ArrayList<>();

	ExplainOutputs(final ImagePlus image, final CamMethod method, final double opacity, final int planes) {
		this.image = image;
		this.method = method;
		this.opacity = opacity;
		this.severalPlanes = planes > 1;
	}

	/** Adds the results of one plane (z, t are 1-based). */
	void add(final int z, final int t, final ImageExplanation explanation, final ImageAnnotation annotation,
		final ResultsTable table)
	{
		final String plane = severalPlanes ? planeLabel(z, t) + ": " : "";
		final boolean severalTargets = explanation.targets().size() > 1;
		final List<FloatMap> methodMaps = new ArrayList<>();
		for (final TargetExplanation target : explanation.targets()) {
			final String prefix = plane + (severalTargets ? target.className() + ": " : "");
			final ImageStack layers = HeatmapImages.stack(target, method, "", null).getStack();
			if (heatmaps == null) heatmaps = new ImageStack(layers.getWidth(), layers.getHeight());
			for (int s = 1; s <= layers.getSize(); s++) {
				heatmaps.addSlice(prefix + layers.getSliceLabel(s), layers.getProcessor(s));
			}
			final FloatMap map = target.map(method);
			methodMaps.add(map);
			if (maps == null) maps = new ImageStack(map.width(), map.height());
			maps.addSlice(plane + target.className() + " " + method.id(), ImageConversion.toProcessor(map));
		}
		final ImagePlus labelImage = PseudoLabelOutputs.labelImage(annotation, "", null);
		if (labels == null) labels = new ImageStack(labelImage.getWidth(), labelImage.getHeight());
		labels.addSlice(plane.isEmpty() ? "labels" : plane + "labels", labelImage.getProcessor());
		final ImagePlus instanceImage = PseudoLabelOutputs.instanceImage(annotation, "", null);
		if (instances == null) instances = new ImageStack(instanceImage.getWidth(), instanceImage.getHeight());
		else if (instanceImage.getBitDepth() != instances.getBitDepth()) instances = asFloat(instances);
		instances.addSlice(plane.isEmpty() ? "instances" : plane + "instances", instances.getBitDepth() == 32
			? instanceImage.getProcessor().convertToFloat() : instanceImage.getProcessor());
		maxInstances = Math.max(maxInstances, annotation.instances().size());

		final Overlay planeOverlay = PseudoLabelOutputs.overlay(annotation, PseudoLabelOutputs.maxOf(methodMaps),
			opacity, true, true);
		for (final Roi roi : planeOverlay.toArray()) overlay.add(position(tag(roi), z, t));
		for (final Roi roi : PseudoLabelOutputs.rois(annotation)) rois.add(position(tag(roi), z, t));

		if (table != null) {
			final int first = table.size();
			PseudoLabelOutputs.table(annotation, table);
			for (int row = first; row < table.size(); row++) {
				table.setValue("slice", row, z);
				table.setValue("frame", row, t);
			}
		}
	}

	/** A plane that had no class to explain (e.g. no class reached the probability threshold). */
	void note(final int z, final int t, final String text) {
		notes.add((severalPlanes ? planeLabel(z, t) + ": " : "") + text);
	}

	List<String> notes() {
		return notes;
	}

	ImagePlus heatmaps() {
		return heat(heatmaps, image.getShortTitle() + CommandText.HEATMAPS_SUFFIX);
	}

	ImagePlus maps() {
		return heat(maps, image.getShortTitle() + " " + method.id());
	}

	ImagePlus labels() {
		if (labels == null) return null;
		final ImagePlus imp = new ImagePlus(image.getShortTitle() + CommandText.LABELS_SUFFIX, labels);
		imp.setCalibration(calibration());
		int max = 1;
		for (int s = 1; s <= labels.getSize(); s++) max = Math.max(max, (int) labels.getProcessor(s).getMax());
		imp.setDisplayRange(0, max);
		return imp;
	}

	/** The instance label image, one slice per plane: each instance of a plane its own id (1..n). */
	ImagePlus instances() {
		if (instances == null) return null;
		final ImagePlus imp = new ImagePlus(image.getShortTitle() + CommandText.INSTANCES_SUFFIX, instances);
		imp.setCalibration(calibration());
		imp.setDisplayRange(0, Math.max(1, maxInstances));
		return imp;
	}

	private static ImageStack asFloat(final ImageStack stack) {
		final ImageStack out = new ImageStack(stack.getWidth(), stack.getHeight());
		for (int s = 1; s <= stack.getSize(); s++) {
			out.addSlice(stack.getSliceLabel(s), stack.getProcessor(s).convertToFloat());
		}
		return out;
	}

	Overlay overlay() {
		return overlay;
	}

	List<Roi> rois() {
		return rois;
	}

	/** The image's overlay without the elements of an earlier run, plus this run's. */
	Overlay mergedOverlay() {
		final Overlay merged = new Overlay();
		final Overlay existing = image.getOverlay();
		if (existing != null) {
			for (final Roi roi : existing.toArray()) {
				if (roi.getProperty(TAG) == null) merged.add(roi);
			}
		}
		for (final Roi roi : overlay.toArray()) merged.add(roi);
		return merged;
	}

	private ImagePlus heat(final ImageStack stack, final String title) {
		if (stack == null) return null;
		final ImagePlus imp = new ImagePlus(title, stack);
		imp.setCalibration(calibration());
		HeatmapImages.applyHeatLut(imp);
		return imp;
	}

	private Calibration calibration() {
		return image.getCalibration().copy();
	}

	private static Roi tag(final Roi roi) {
		roi.setProperty(TAG, "1");
		return roi;
	}

	/** Puts a ROI on its plane: hyperstack position for multi-channel or z-and-t images, else the slice. */
	private Roi position(final Roi roi, final int z, final int t) {
		if (image.getStackSize() == 1) return roi;
		if (image.getNChannels() > 1 || (image.getNSlices() > 1 && image.getNFrames() > 1)) {
			roi.setPosition(0, z, t);
		}
		else {
			roi.setPosition(image.getStackIndex(1, z, t));
		}
		return roi;
	}

	private String planeLabel(final int z, final int t) {
		if (image.getNSlices() > 1 && image.getNFrames() > 1) return "z" + z + " t" + t;
		return image.getNFrames() > 1 ? "frame " + t : "slice " + z;
	}
}
