package io.github.zoomcam.engine;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What to compute in one explain call.
 *
 * @param layers layer names to fuse (Zoom-CAM, Layer-CAM); empty means the bundle's default layers
 * @param targets which classes to explain per image
 * @param aggregation how layer maps are fused (the paper: max)
 * @param gradcamLayer layer of the single-layer methods (Grad-CAM, Grad-CAM++, HiResCAM, XGrad-CAM,
 *   Score-CAM); null means the bundle's gradcam_layer
 * @param mapsAtOriginalSize also upsample every map to each image's own size
 * @param methods the methods to compute (at least one; default Zoom-CAM and Grad-CAM). All gradient methods
 *   share one forward and one backward pass per target.
 * @param scorecamChannels Score-CAM channel limit: only the N channels of the Grad-CAM layer with the
 *   largest spatial activation variance get a masked forward pass (Faster Score-CAM); 0 means all channels.
 *   Default {@value #DEFAULT_SCORECAM_CHANNELS}.
 * @param scorecamBatch masked images per forward pass for Score-CAM, on the model's device; memory grows
 *   with it. Default {@value #DEFAULT_SCORECAM_BATCH}.
 */
public record ExplainOptions(List<String> layers, TargetSpec targets, Aggregation aggregation,
	String gradcamLayer, boolean mapsAtOriginalSize, Set<CamMethod> methods, int scorecamChannels,
	int scorecamBatch)
{

	/** Default Score-CAM channel limit (top channels by activation variance); 0 means all channels. */
	public static final int DEFAULT_SCORECAM_CHANNELS = 64;
	/** Default number of masked images per Score-CAM forward pass. */
	public static final int DEFAULT_SCORECAM_BATCH = 32;

	public ExplainOptions {
		layers = layers == null ? List.of() : List.copyOf(layers);
		targets = targets == null ? TargetSpec.TOP1 : targets;
		aggregation = aggregation == null ? Aggregation.MAX : aggregation;
		if (methods == null) methods = EnumSet.of(CamMethod.ZOOMCAM, CamMethod.GRADCAM);
		if (methods.isEmpty()) throw new ZoomCamException("no CAM method chosen; the methods are: " + CamMethod.names());
		methods = Collections.unmodifiableSet(EnumSet.copyOf(methods));
		if (scorecamChannels < 0) {
			throw new ZoomCamException("the Score-CAM channel limit must be 0 (all channels) or more, got " +
				scorecamChannels);
		}
		if (scorecamBatch < 1) throw new ZoomCamException("the Score-CAM batch must be 1 or more, got " + scorecamBatch);
	}

	/** Options with the default methods (Zoom-CAM and Grad-CAM) and Score-CAM settings. */
	public ExplainOptions(final List<String> layers, final TargetSpec targets, final Aggregation aggregation,
		final String gradcamLayer, final boolean mapsAtOriginalSize)
	{
		this(layers, targets, aggregation, gradcamLayer, mapsAtOriginalSize, null, DEFAULT_SCORECAM_CHANNELS,
			DEFAULT_SCORECAM_BATCH);
	}

	/** The bundle's default layers and Grad-CAM layer, top-1 class, max fusion, Zoom-CAM and Grad-CAM. */
	public static ExplainOptions defaults() {
		return new ExplainOptions(List.of(), TargetSpec.TOP1, Aggregation.MAX, null, true, null,
			DEFAULT_SCORECAM_CHANNELS, DEFAULT_SCORECAM_BATCH);
	}

	public ExplainOptions withLayers(final List<String> newLayers) {
		return new ExplainOptions(newLayers, targets, aggregation, gradcamLayer, mapsAtOriginalSize, methods,
			scorecamChannels, scorecamBatch);
	}

	public ExplainOptions withTargets(final TargetSpec newTargets) {
		return new ExplainOptions(layers, newTargets, aggregation, gradcamLayer, mapsAtOriginalSize, methods,
			scorecamChannels, scorecamBatch);
	}

	public ExplainOptions withAggregation(final Aggregation newAggregation) {
		return new ExplainOptions(layers, targets, newAggregation, gradcamLayer, mapsAtOriginalSize, methods,
			scorecamChannels, scorecamBatch);
	}

	public ExplainOptions withGradcamLayer(final String layer) {
		return new ExplainOptions(layers, targets, aggregation, layer, mapsAtOriginalSize, methods, scorecamChannels,
			scorecamBatch);
	}

	public ExplainOptions withMapsAtOriginalSize(final boolean enabled) {
		return new ExplainOptions(layers, targets, aggregation, gradcamLayer, enabled, methods, scorecamChannels,
			scorecamBatch);
	}

	/** The methods to compute (replaces the current set). */
	public ExplainOptions withMethods(final Collection<CamMethod> newMethods) {
		if (newMethods == null || newMethods.isEmpty()) {
			throw new ZoomCamException("no CAM method chosen; the methods are: " + CamMethod.names());
		}
		return new ExplainOptions(layers, targets, aggregation, gradcamLayer, mapsAtOriginalSize, EnumSet.copyOf(
			newMethods), scorecamChannels, scorecamBatch);
	}

	public ExplainOptions withMethods(final CamMethod first, final CamMethod... more) {
		return withMethods(EnumSet.of(first, more));
	}

	/** Score-CAM channel limit: the N channels with the largest activation variance; 0 means all. */
	public ExplainOptions withScorecamChannels(final int channels) {
		return new ExplainOptions(layers, targets, aggregation, gradcamLayer, mapsAtOriginalSize, methods, channels,
			scorecamBatch);
	}

	/** Masked images per Score-CAM forward pass. */
	public ExplainOptions withScorecamBatch(final int batch) {
		return new ExplainOptions(layers, targets, aggregation, gradcamLayer, mapsAtOriginalSize, methods,
			scorecamChannels, batch);
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
