package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one explain call computes. Build with {@link #builder()}; every field has an explicit default.
 *
 * @param methods the methods to compute (default {@link #DEFAULT_METHODS}); all gradient methods share one
 *   forward and one backward pass per target
 * @param layers layers fused by the multi-layer methods (Zoom-CAM, Layer-CAM); empty means the bundle's
 *   default layers
 * @param targets which classes to explain per image (default top-1)
 * @param aggregation how layer maps are fused (default max, the paper's Eq. 10)
 * @param gradcamLayer layer of the single-layer methods (Grad-CAM, Grad-CAM++, HiResCAM, XGrad-CAM,
 *   Score-CAM); empty means the bundle's gradcam_layer
 * @param layerMapsAtOriginalSize also upsample every per-layer map to each image's own size (default false:
 *   per-layer maps stay at the model input size; fused maps are always computed at the original size)
 * @param scoreCam Score-CAM's cost settings
 * @param rawMapsOnly compute only each method's raw layer maps (no normalisation, upsampling or fusion; the
 *   other maps of {@link MethodMaps} are then empty or null): for callers that normalise across several
 *   calls, as the tiles of one large image are, and fuse with {@link Explainer#fuseRawMaps} (default false)
 */
public record ExplainOptions(Set<CamMethod> methods, List<String> layers, TargetSpec targets,
	Aggregation aggregation, String gradcamLayer, boolean layerMapsAtOriginalSize, ScoreCamSettings scoreCam,
	boolean rawMapsOnly)
{

	/** Zoom-CAM and Grad-CAM: the paper's method and its baseline. */
	public static final Set<CamMethod> DEFAULT_METHODS = Collections.unmodifiableSet(EnumSet.of(CamMethod.ZOOMCAM,
		CamMethod.GRADCAM));

	/**
	 * Score-CAM's tuning: how many channels get a masked forward pass and how many masked images go through
	 * the network at once.
	 *
	 * @param channels only the N channels of the Grad-CAM layer with the largest spatial activation variance
	 *   (Faster Score-CAM); 0 means all channels
	 * @param batch masked images per forward pass on the model's device; memory grows with it
	 */
	public record ScoreCamSettings(int channels, int batch) {

		public static final int DEFAULT_CHANNELS = 64;
		public static final int DEFAULT_BATCH = 32;
		public static final ScoreCamSettings DEFAULTS = new ScoreCamSettings(DEFAULT_CHANNELS, DEFAULT_BATCH);

		public ScoreCamSettings {
			if (channels < 0) {
				throw new ZoomCamException("the Score-CAM channel limit must be 0 (all channels) or more, got " + channels);
			}
			if (batch < 1) throw new ZoomCamException("the Score-CAM batch must be 1 or more, got " + batch);
		}
	}

	public ExplainOptions {
		if (methods == null || methods.isEmpty()) {
			throw new ZoomCamException("no CAM method chosen; the methods are: " + CamMethod.names());
		}
		methods = Collections.unmodifiableSet(EnumSet.copyOf(methods));
		layers = layers == null ? List.of() : List.copyOf(layers);
		if (targets == null) throw new ZoomCamException("no target classes given; use e.g. top1 or p>=0.5");
		if (aggregation == null) throw new ZoomCamException("no layer fusion given; use max or mean");
		gradcamLayer = gradcamLayer == null ? "" : gradcamLayer.trim();
		if (scoreCam == null) throw new ZoomCamException("no Score-CAM settings given");
	}

	/** Zoom-CAM and Grad-CAM, the bundle's layers, top-1 class, max fusion, per-layer maps at input size. */
	public static ExplainOptions defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** A builder holding these options, to change some of them. */
	public Builder toBuilder() {
		return new Builder().methods(methods).layers(layers).targets(targets).aggregation(aggregation).gradcamLayer(
			gradcamLayer).layerMapsAtOriginalSize(layerMapsAtOriginalSize).scoreCam(scoreCam).rawMapsOnly(rawMapsOnly);
	}

	/** The layers the multi-layer methods fuse on this bundle: the given ones, or the bundle's defaults. */
	public List<String> layersFor(final BundleManifest manifest) {
		return layers.isEmpty() ? manifest.defaultLayers() : layers;
	}

	/** The single-layer methods' layer on this bundle: the given one, or the bundle's gradcam_layer. */
	public String gradcamLayerFor(final BundleManifest manifest) {
		return gradcamLayer.isEmpty() ? manifest.gradcamLayer() : gradcamLayer;
	}

	/**
	 * Fails on layer or class names the bundle does not have, naming what it has; before any network pass
	 * and before any image is read.
	 */
	public void validate(final BundleManifest manifest) {
		for (final String layer : layersFor(manifest)) manifest.requireLayer(layer);
		manifest.requireLayer(gradcamLayerFor(manifest));
		targets.validate(manifest);
	}

	/**
	 * Parses a layer list as typed by users: "default" (or empty), "all", "last", or names separated by
	 * ',' or ';'. An empty item (e.g. "a,,b" or ",") is an error, not a silent default.
	 */
	public static List<String> parseLayers(final String text, final BundleManifest manifest) {
		final String t = text == null ? "" : text.trim();
		if (t.isEmpty() || t.equalsIgnoreCase("default")) return manifest.defaultLayers();
		if (t.equalsIgnoreCase("all")) return manifest.layerNames();
		if (t.equalsIgnoreCase("last")) return List.of(manifest.layerNames().get(manifest.layers().size() - 1));
		final List<String> names = Arrays.stream(t.split("[,;]", -1)).map(String::trim).toList();
		if (names.stream().anyMatch(String::isEmpty)) {
			throw new ZoomCamException("layer list '" + text + "' has an empty item; give layer names separated by " +
				"',' (this model's layers: " + String.join(", ", manifest.layerNames()) + "), or default, all or last");
		}
		names.forEach(manifest::requireLayer);
		return names;
	}

	/** Builds {@link ExplainOptions}; starts from the defaults. */
	public static final class Builder {

		private Set<CamMethod> methods = DEFAULT_METHODS;
		private List<String> layers = List.of();
		private TargetSpec targets = TargetSpec.TOP1;
		private Aggregation aggregation = Aggregation.MAX;
		private String gradcamLayer = "";
		private boolean layerMapsAtOriginalSize;
		private ScoreCamSettings scoreCam = ScoreCamSettings.DEFAULTS;
		private boolean rawMapsOnly;

		private Builder() {}

		public Builder methods(final Collection<CamMethod> value) {
			if (value == null || value.isEmpty()) {
				throw new ZoomCamException("no CAM method chosen; the methods are: " + CamMethod.names());
			}
			methods = EnumSet.copyOf(value);
			return this;
		}

		public Builder methods(final CamMethod first, final CamMethod... more) {
			return methods(EnumSet.of(first, more));
		}

		/** Layers to fuse; empty means the bundle's default layers. */
		public Builder layers(final List<String> value) {
			layers = value == null ? List.of() : value;
			return this;
		}

		public Builder targets(final TargetSpec value) {
			targets = value;
			return this;
		}

		public Builder aggregation(final Aggregation value) {
			aggregation = value;
			return this;
		}

		/** Layer of the single-layer methods; null or empty means the bundle's gradcam_layer. */
		public Builder gradcamLayer(final String value) {
			gradcamLayer = value;
			return this;
		}

		public Builder layerMapsAtOriginalSize(final boolean value) {
			layerMapsAtOriginalSize = value;
			return this;
		}

		public Builder scoreCam(final ScoreCamSettings value) {
			scoreCam = value;
			return this;
		}

		/** Only raw layer maps (see {@link ExplainOptions#rawMapsOnly()}). */
		public Builder rawMapsOnly(final boolean value) {
			rawMapsOnly = value;
			return this;
		}

		public ExplainOptions build() {
			return new ExplainOptions(methods, layers, targets, aggregation, gradcamLayer, layerMapsAtOriginalSize,
				scoreCam, rawMapsOnly);
		}
	}
}
