package io.github.zoomcam.engine;

import java.util.List;

/**
 * What to compute in one explain call.
 *
 * @param layers layer names to fuse; empty means the bundle's default layers
 * @param targets which classes to explain per image
 * @param aggregation how layer maps are fused (the paper: max)
 * @param gradcamLayer layer for the Grad-CAM map; null means the bundle's gradcam_layer
 * @param mapsAtOriginalSize also upsample every map to each image's own size
 */
public record ExplainOptions(List<String> layers, TargetSpec targets, Aggregation aggregation,
	String gradcamLayer, boolean mapsAtOriginalSize)
{

	public ExplainOptions {
		layers = layers == null ? List.of() : List.copyOf(layers);
		targets = targets == null ? TargetSpec.TOP1 : targets;
		aggregation = aggregation == null ? Aggregation.MAX : aggregation;
	}

	public static ExplainOptions defaults() {
		return new ExplainOptions(List.of(), TargetSpec.TOP1, Aggregation.MAX, null, true);
	}

	public ExplainOptions withLayers(final List<String> newLayers) {
		return new ExplainOptions(newLayers, targets, aggregation, gradcamLayer, mapsAtOriginalSize);
	}

	public ExplainOptions withTargets(final TargetSpec newTargets) {
		return new ExplainOptions(layers, newTargets, aggregation, gradcamLayer, mapsAtOriginalSize);
	}

	public ExplainOptions withAggregation(final Aggregation newAggregation) {
		return new ExplainOptions(layers, targets, newAggregation, gradcamLayer, mapsAtOriginalSize);
	}

	public ExplainOptions withGradcamLayer(final String layer) {
		return new ExplainOptions(layers, targets, aggregation, layer, mapsAtOriginalSize);
	}

	public ExplainOptions withMapsAtOriginalSize(final boolean enabled) {
		return new ExplainOptions(layers, targets, aggregation, gradcamLayer, enabled);
	}

	/**
	 * Parses a layer list as typed by users: "all", "default" (or empty), or comma-separated names.
	 */
	public static List<String> parseLayers(final String text, final BundleManifest manifest) {
		final String t = text == null ? "" : text.trim();
		if (t.isEmpty() || t.equalsIgnoreCase("default")) return manifest.defaultLayers();
		if (t.equalsIgnoreCase("all")) return manifest.layerNames();
		if (t.equalsIgnoreCase("last")) return List.of(manifest.layerNames().get(manifest.layers().size() - 1));
		return java.util.Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
	}
}
