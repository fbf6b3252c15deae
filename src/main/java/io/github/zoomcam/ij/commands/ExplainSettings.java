package io.github.zoomcam.ij.commands;

import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.TargetSpec;
import io.github.zoomcam.engine.ZoomCamException;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.Keep;
import io.github.zoomcam.labels.Threshold;

import java.util.List;
import java.util.Locale;

/**
 * The text parameters shared by "Explain Image..." and "Generate Pseudo-Labels...", parsed and checked
 * against a bundle's zoomcam.json before any model is loaded.
 *
 * @param method the map shown and labelled
 * @param layers the fused layers, in the user's order
 * @param options what the engine computes
 * @param annotation how maps become pseudo-labels
 */
record ExplainSettings(CamMethod method, List<String> layers, ExplainOptions options, AnnotationOptions annotation) {

	static ExplainSettings of(final BundleManifest manifest, final String methodText, final String layersText,
		final String targetText, final String thresholdText, final String keepText, final int minArea)
	{
		final CamMethod method = CamMethod.parse(methodText);
		final String layerList = list(layersText);
		final List<String> layers = ExplainOptions.parseLayers(layerList, manifest);
		for (final String l : layers) {
			if (manifest.layerIndex(l) < 0) {
				throw new ZoomCamException("unknown layer '" + l + "'; this model's layers are: " + String.join(", ",
					manifest.layerNames()) + " (or use default, all or last)");
			}
		}
		// A single named layer is the layer of a single-layer method, as on the command line.
		final boolean named = !layerList.isBlank() && !List.of("default", "all", "last").contains(layerList.trim()
			.toLowerCase(Locale.ROOT));
		final String singleLayer = !method.multiLayer() && named && layers.size() == 1 ? layers.get(0) : null;
		final TargetSpec targets = TargetSpec.parse(list(targetText));
		targets.validate(manifest);
		final ExplainOptions options = ExplainOptions.defaults().withMethods(List.of(method)).withLayers(layers)
			.withTargets(targets).withGradcamLayer(singleLayer);
		return new ExplainSettings(method, layers, options, new AnnotationOptions(threshold(thresholdText, method),
			keep(keepText, minArea), Double.NaN));
	}

	/** "default" (or empty) is the method's threshold from the paper; anything else as Threshold.parse reads it. */
	static Threshold threshold(final String text, final CamMethod method) {
		return Threshold.parseOrDefault(text, method.paperThreshold());
	}

	/** "largest", or "all" with the minimum area (also "all:20" typed directly). */
	static Keep keep(final String text, final int minArea) {
		final String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
		if (t.equals("all")) {
			if (minArea < 1) throw new ZoomCamException("minimum area " + minArea + " must be at least 1 pixel");
			return Keep.parse("all:" + minArea);
		}
		return Keep.parse(t);
	}

	/**
	 * Lists may be separated by ';' as well as ',': the headless --run option string of Fiji splits its
	 * key=value pairs at commas.
	 */
	static String list(final String text) {
		return text == null ? "" : text.replace(';', ',');
	}
}
