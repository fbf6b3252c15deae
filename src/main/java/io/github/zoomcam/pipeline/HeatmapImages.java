package io.github.zoomcam.pipeline;

import io.github.zoomcam.core.AtomicFiles;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.plugin.LutLoader;
import ij.process.LUT;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.MethodMaps;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.core.ZoomCamException;

import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns explanations into ImageJ stacks and writes them as TIFF. */
public final class HeatmapImages {

	public static final String ZOOM_CAM_LABEL = "zoom-cam";
	public static final String GRAD_CAM_LABEL = "grad-cam";

	private HeatmapImages() {}

	/**
	 * The heatmap stack of one target at the original image size (at the model input size when the
	 * per-layer maps were computed only there): for the multi-layer methods (Zoom-CAM, Layer-CAM) one slice per layer in network order,
	 * labelled with the layer name, then the fused map labelled with the method's label ("zoom-cam",
	 * "layer-cam"); for the single-layer methods one slice labelled with the label and the layer, e.g.
	 * "grad-cam features.12", "grad-cam++ features.12". An image explained in tiles has per-layer maps only
	 * at its full size, when they were asked for; without them its stack is the method's map alone.
	 */
	public static ImagePlus stack(final TargetExplanation target, final CamMethod method, final String title,
		final Calibration calibration)
	{
		return stack(target, method, title, calibration, false);
	}

	/**
	 * {@link #stack(TargetExplanation, CamMethod, String, Calibration)} on the maps' own values, for writing
	 * the stack to a file and nothing else (no copy of a large image's maps).
	 */
	public static ImagePlus stackForWriting(final TargetExplanation target, final CamMethod method,
		final String title, final Calibration calibration)
	{
		return stack(target, method, title, calibration, true);
	}

	private static ImagePlus stack(final TargetExplanation target, final CamMethod method, final String title,
		final Calibration calibration, final boolean shared)
	{
		final List<FloatMap> maps = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		final MethodMaps methodMaps = target.methodMaps(method);
		if (method.multiLayer() && !methodMaps.hasLayerMapsAtOriginal() && methodMaps.layerMapsAtInput().isEmpty()) {
			// A large image explained in tiles without per-layer maps: the stitched map alone, at full size.
			maps.add(methodMaps.atOriginal());
			labels.add(method.label());
		}
		else if (method.multiLayer()) {
			final boolean original = methodMaps.hasLayerMapsAtOriginal();
			final List<FloatMap> layers = original ? methodMaps.layerMapsAtOriginal() : methodMaps.layerMapsAtInput();
			for (int i = 0; i < layers.size(); i++) {
				maps.add(layers.get(i));
				labels.add(methodMaps.layers().get(i));
			}
			maps.add(original ? methodMaps.atOriginal() : methodMaps.atInput());
			labels.add(method.label());
		}
		else {
			maps.add(methodMaps.atOriginal());
			labels.add(method.label() + " " + methodMaps.layers().get(0));
		}
		final ImageStack stack = new ImageStack(maps.get(0).width(), maps.get(0).height());
		for (int i = 0; i < maps.size(); i++) {
			stack.addSlice(labels.get(i), shared ? ImageConversion.sharedProcessor(maps.get(i)) : ImageConversion
				.toProcessor(maps.get(i)));
		}
		final ImagePlus image = new ImagePlus(title, stack);
		if (calibration != null) {
			// Maps at the model input size cover the whole image with fewer, larger pixels.
			final Calibration scaled = calibration.copy();
			scaled.pixelWidth *= (double) methodMaps.atOriginal().width() / maps.get(0).width();
			scaled.pixelHeight *= (double) methodMaps.atOriginal().height() / maps.get(0).height();
			image.setCalibration(scaled);
		}
		image.setProperty("Info", "Zoom-CAM for Fiji\nclass=" + target.className() + "\nscore=" + target.score() +
			"\nprobability=" + target.probability() + "\nmethod=" + method.id());
		applyHeatLut(image);
		return image;
	}

	/** ImageJ's "Fire" lookup table with a 0..1 display range: the standard heat view. */
	public static void applyHeatLut(final ImagePlus image) {
		final IndexColorModel fire = LutLoader.getLut("fire");
		if (fire != null) image.setLut(new LUT(fire, 0, 1));
		image.setDisplayRange(0, 1);
	}

	public static void writeTiff(final ImagePlus image, final Path target) {
		AtomicFiles.write(target, tmp -> {
			final FileSaver saver = new FileSaver(image);
			final boolean ok = image.getStackSize() > 1 ? saver.saveAsTiffStack(tmp.toString()) : saver.saveAsTiff(tmp
				.toString());
			if (!ok) throw new ZoomCamException("ImageJ could not write " + target + "; check the disk and folder");
		});
	}
}
