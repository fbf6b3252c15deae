package io.github.zoomcam.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.Aggregation;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainOptions.ScoreCamSettings;
import io.github.zoomcam.engine.OutputKind;
import io.github.zoomcam.engine.TargetSpec;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.Keep;
import io.github.zoomcam.labels.RefineOptions;
import io.github.zoomcam.labels.Threshold;
import io.github.zoomcam.pipeline.tiling.MemoryBudget;
import io.github.zoomcam.pipeline.tiling.Tiling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every setting that changes what is written for an image, parsed once from the text that the command
 * line, the Fiji dialogs, macros and Spark jobs all use, and checked against the bundle before any image is
 * read. Keys are the command line's option names ({@code min-area}); the Fiji commands' snake_case names
 * ({@code min_area}) are accepted too.
 *
 * @param methods the methods to compute; the first is the main one (heatmaps.tif, pseudo-labels)
 * @param options what the engine computes
 * @param layerMaps where per-layer maps are computed at the original size
 * @param annotation how maps become pseudo-labels; null when pseudo-labels are switched off
 * @param opacity heatmap opacity in overlay.png
 * @param tiling whether and how large images are explained in tiles at native resolution
 * @param series which series of a multi-series file is explained (1-based; Bio-Formats files)
 */
public record ExplainSettings(List<CamMethod> methods, ExplainOptions options, LayerMaps layerMaps,
	AnnotationOptions annotation, double opacity, Tiling tiling, int series)
{

	public static final String METHOD = "method";
	public static final String LAYERS = "layers";
	public static final String TARGET = "target";
	public static final String AGGREGATION = "aggregation";
	public static final String GRADCAM_LAYER = "gradcam-layer";
	public static final String SCORECAM_CHANNELS = "scorecam-channels";
	public static final String SCORECAM_BATCH = "scorecam-batch";
	public static final String LAYER_MAPS = "layer-maps";
	public static final String THRESHOLD = "threshold";
	public static final String KEEP = "keep";
	public static final String MIN_AREA = "min-area";
	public static final String BACKGROUND = "background";
	public static final String OPACITY = "opacity";
	public static final String PSEUDO_LABELS = "pseudo-labels";
	/** {@code image} (the default: outlines from the image) or {@code none} (the paper's protocol). */
	public static final String REFINE = "refine";
	public static final String REFINE_THRESHOLDING = "refine-thresholding";
	public static final String REFINE_SIGMA = "refine-sigma";
	public static final String REFINE_BACKGROUND = "refine-background";
	public static final String REFINE_POLARITY = "refine-polarity";
	public static final String REFINE_WATERSHED = "refine-watershed";
	public static final String REFINE_MIN_EVIDENCE = "refine-min-evidence";
	public static final String REFINE_NOISE_FLOOR = "refine-noise-floor";
	public static final String REFINE_MIN_SIZE = "refine-min-size";

	/** The image-guided refinement's own settings (keys above), each a {@link RefineOptions#parse} key. */
	public static final Map<String, String> REFINE_KEYS = Map.of(REFINE_THRESHOLDING, "method", REFINE_SIGMA, "sigma",
		REFINE_BACKGROUND, "rolling", REFINE_POLARITY, "polarity", REFINE_WATERSHED, "watershed", REFINE_MIN_EVIDENCE,
		"min_evidence", REFINE_NOISE_FLOOR, "noise_floor", REFINE_MIN_SIZE, "min_area");

	/** Settings of the paper's protocol only ({@code refine=none}). */
	public static final List<String> PAPER_KEYS = List.of("threshold", "keep", "min-area", "background");
	public static final String TILE = "tile";
	public static final String OVERLAP = "overlap";
	public static final String SCALE = "scale";
	public static final String SERIES = "series";

	/** The default of every key, as text; "default" means "the method's or the bundle's own choice". */
	public static final Map<String, String> DEFAULTS = defaults();

	/** Images up to this size get their per-layer maps at the original size with {@code layer-maps=auto}. */
	public static final long AUTO_LAYER_MAPS_MAX_PIXELS = 1024L * 1024L;

	/** Where the per-layer maps (heatmaps.tif slices) are computed. */
	public enum LayerMaps {
		/** At the original size for images of at most {@link #AUTO_LAYER_MAPS_MAX_PIXELS}, else the input size. */
		AUTO,
		/** Always at the original size (memory grows with the image and the number of layers). */
		ORIGINAL,
		/** Always at the model input size. */
		INPUT;

		static LayerMaps parse(final String text) {
			for (final LayerMaps m : values()) {
				if (m.name().equalsIgnoreCase(text.trim())) return m;
			}
			throw new ZoomCamException("layer maps '" + text + "' is not understood; use auto, original or input");
		}

		/** Whether a batch whose largest image has this many pixels gets per-layer maps at the original size. */
		public boolean atOriginalSize(final long largestImagePixels) {
			return this == ORIGINAL || this == AUTO && largestImagePixels <= AUTO_LAYER_MAPS_MAX_PIXELS;
		}
	}

	public ExplainSettings {
		methods = List.copyOf(methods);
		if (methods.isEmpty()) throw new ZoomCamException("no method given; the methods are: " + CamMethod.names());
		if (!(opacity >= 0 && opacity <= 1)) {
			throw new ZoomCamException("opacity " + opacity + " is outside 0..1; give a value such as 0.5");
		}
		if (tiling == null) tiling = Tiling.DEFAULT;
		if (series < 1) throw new ZoomCamException("series " + series + " does not exist; series are counted from 1");
	}

	/** The method whose maps make heatmaps.tif and the pseudo-labels. */
	public CamMethod mainMethod() {
		return methods.get(0);
	}

	/** Whether pseudo-labels are written. */
	public boolean pseudoLabels() {
		return annotation != null;
	}

	/**
	 * The full-size outputs of a tiled image of this many pixels with this many explained classes, as the
	 * memory check counts them: per class one map per method, plus one per layer where per-layer maps are
	 * kept at full size.
	 *
	 * @param display whether they are also shown in windows (Fiji's Explain Image); result folders of images
	 *   above {@link LeanPseudoLabels#MIN_PIXELS} are labelled by the lean path
	 */
	public MemoryBudget.Outputs fullSizeOutputs(final BundleManifest manifest, final long pixels, final int targets,
		final boolean display)
	{
		if (!display && stitchesOneMapAtATime(pixels)) return MemoryBudget.Outputs.oneMapAtATime(targets, pseudoLabels());
		final int layerCount = options.layersFor(manifest).size();
		int maps = 0;
		for (final CamMethod method : methods) maps += 1 + (method.multiLayer() && layerMaps.atOriginalSize(pixels)
			? layerCount : 0);
		return new MemoryBudget.Outputs(maps, targets, pseudoLabels(), !display && pixels > LeanPseudoLabels.MIN_PIXELS,
			display, tiledEvidence(pixels, display) != null ? 1 : 0);
	}

	/**
	 * Whether the result folder of a tiled image of this many pixels is written one full-size map at a time
	 * ({@link ResultFolder#writeTiled}): images above {@link LeanPseudoLabels#MIN_PIXELS} whose per-layer maps
	 * are not kept at full size (those need every layer's map of a class at once).
	 */
	public boolean stitchesOneMapAtATime(final long pixels) {
		return pixels > LeanPseudoLabels.MIN_PIXELS && !layerMaps.atOriginalSize(pixels);
	}

	/**
	 * The method whose tiled maps also need the mean of their layer maps stitched at full size (the class
	 * evidence of the image-guided refinement), or null: the main method when it is multi-layer, the
	 * refinement is on, the general labelling path labels the image (not the lean path of images above
	 * {@link LeanPseudoLabels#MIN_PIXELS} in result folders) and the layer maps are not kept at full size
	 * anyway.
	 */
	public CamMethod tiledEvidence(final long pixels, final boolean display) {
		if (!pseudoLabels() || annotation.refine().isNone() || !mainMethod().multiLayer()) return null;
		if (!display && pixels > LeanPseudoLabels.MIN_PIXELS) return null;
		return layerMaps.atOriginalSize(pixels) ? null : mainMethod();
	}

	/** The fewest classes the targets can give for an image, before it has been classified. */
	public int fewestTargets() {
		final TargetSpec targets = options.targets();
		if (targets instanceof TargetSpec.TopK k) return k.k();
		if (targets instanceof TargetSpec.Classes c) return c.names().size();
		return 1;
	}

	/**
	 * Parses the settings for a bundle. Keys missing from {@code text} take {@link #DEFAULTS}; an unknown key,
	 * layer, class, method or value fails with one line naming what is valid.
	 */
	public static ExplainSettings parse(final BundleManifest manifest, final Map<String, String> text) {
		final Map<String, String> values = new TreeMap<>(DEFAULTS);
		final Set<String> given = new java.util.HashSet<>();
		text.forEach((key, value) -> {
			final String k = key.replace('_', '-').toLowerCase(Locale.ROOT);
			if (!DEFAULTS.containsKey(k)) {
				throw new ZoomCamException("unknown setting '" + key + "'; the settings are: " + String.join(", ",
					DEFAULTS.keySet()));
			}
			if (value != null) {
				values.put(k, value.trim());
				given.add(k);
			}
		});
		final List<CamMethod> methods = CamMethod.parseList(listText(values.get(METHOD)));
		final String layersText = values.get(LAYERS);
		final List<String> layers = ExplainOptions.parseLayers(layersText, manifest);
		String gradcamLayer = values.get(GRADCAM_LAYER);
		if (gradcamLayer.equalsIgnoreCase("default")) gradcamLayer = "";
		else if (!gradcamLayer.isEmpty()) manifest.requireLayer(gradcamLayer);
		// A single named layer is the layer of the single-layer methods when no multi-layer method is asked.
		final boolean named = !List.of("", "default", "all", "last").contains(layersText.toLowerCase(Locale.ROOT));
		if (gradcamLayer.isEmpty() && named && layers.size() == 1 && methods.stream().noneMatch(CamMethod::multiLayer)) {
			gradcamLayer = layers.get(0);
		}
		final TargetSpec targets = targets(values.get(TARGET), manifest);
		final ExplainOptions options = ExplainOptions.builder().methods(methods).layers(layers).targets(targets)
			.aggregation(Aggregation.parse(values.get(AGGREGATION))).gradcamLayer(gradcamLayer).scoreCam(
				new ScoreCamSettings(integer(values, SCORECAM_CHANNELS, 0), integer(values, SCORECAM_BATCH, 1))).build();
		options.validate(manifest);
		final AnnotationOptions annotation = bool(values, PSEUDO_LABELS) ? annotation(values, given, methods.get(0))
			: null;
		final Tiling tiling = Tiling.parse(values.get(TILE), values.get(OVERLAP), values.get(SCALE));
		return new ExplainSettings(methods, options, LayerMaps.parse(values.get(LAYER_MAPS)), annotation, number(values,
			OPACITY), tiling, integer(values, SERIES, 1));
	}

	/** The target text meaning "follow the model": {@link #modelDefaultTargets}. */
	public static final String DEFAULT_TARGET = "default";

	/**
	 * What the model itself calls a detection: every class with probability >= 0.5 for a multi-label
	 * (sigmoid) model, the best class for a single-label (softmax) one.
	 */
	public static TargetSpec modelDefaultTargets(final BundleManifest manifest) {
		return manifest.output() == OutputKind.SIGMOID ? new TargetSpec.ProbabilityAtLeast(0.5) : TargetSpec.TOP1;
	}

	/**
	 * Parses a target: {@value #DEFAULT_TARGET}, top1, topK, p>=P, or class names separated by ',' or ';'; a
	 * list with an empty item ("nucleus,,ring", ",") is refused rather than read as fewer classes.
	 */
	public static TargetSpec targets(final String text, final BundleManifest manifest) {
		final String t = text == null ? "" : text.trim();
		if (t.isEmpty()) {
			throw new ZoomCamException("no target given; use default, top1, topK (e.g. top3), p>=P (e.g. p>=0.5) or " +
				"class names (this model's classes: " + String.join(", ", manifest.classes()) + ")");
		}
		if (t.equalsIgnoreCase(DEFAULT_TARGET)) return modelDefaultTargets(manifest);
		if (t.indexOf(',') >= 0 || t.indexOf(';') >= 0) {
			for (final String item : t.split("[,;]", -1)) {
				if (item.isBlank()) {
					throw new ZoomCamException("target list '" + text + "' has an empty item; give class names separated " +
						"by ',' (this model's classes: " + String.join(", ", manifest.classes()) + ")");
				}
			}
		}
		return TargetSpec.parse(listText(t));
	}

	/**
	 * The refinement: {@code refine} (a mode, or {@link RefineOptions}' whole text form such as
	 * "image method=Otsu sigma=1"), then each {@code refine-*} key that was given. With {@code none} the
	 * {@code refine-*} keys are ignored (the Fiji dialogs always send them).
	 */
	public static RefineOptions refine(final Map<String, String> values, final Set<String> given) {
		RefineOptions refine = RefineOptions.parse(values.get(REFINE));
		if (refine.isNone()) return refine;
		final StringBuilder text = new StringBuilder(refine.mode().id());
		for (final Map.Entry<String, String> key : new TreeMap<>(REFINE_KEYS).entrySet()) {
			if (!given.contains(key.getKey())) continue;
			final String value = values.get(key.getKey());
			if (value.isEmpty() || value.matches(".*[\\s,;=].*")) {
				throw new ZoomCamException(key.getKey() + " '" + value + "' is not a single value; e.g. " + key.getKey()
					+ "=" + DEFAULTS.get(key.getKey()));
			}
			text.append(' ').append(key.getValue()).append('=').append(value);
		}
		final RefineOptions keys = RefineOptions.parse(text.toString());
		// The keys given on their own replace the same settings of the refine text; the rest stay as it set them.
		for (final String key : given) {
			refine = switch (key) {
				case REFINE_THRESHOLDING -> refine.withThresholdMethod(keys.thresholdMethod());
				case REFINE_SIGMA -> refine.withSigma(keys.sigma());
				case REFINE_BACKGROUND -> refine.withRollingBallRadius(keys.rollingBallRadius());
				case REFINE_POLARITY -> refine.withPolarity(keys.polarity());
				case REFINE_WATERSHED -> refine.withWatershed(keys.watershed());
				case REFINE_MIN_EVIDENCE -> refine.withMinEvidence(keys.minEvidence());
				case REFINE_NOISE_FLOOR -> refine.withNoiseFloor(keys.noiseFloor());
				case REFINE_MIN_SIZE -> refine.withMinArea(keys.minArea());
				default -> refine;
			};
		}
		return refine;
	}

	private static AnnotationOptions annotation(final Map<String, String> values, final Set<String> given,
		final CamMethod method)
	{
		final RefineOptions refine = refine(values, given);
		if (!refine.isNone()) {
			for (final String key : PAPER_KEYS) {
				if (given.contains(key) && !values.get(key).equalsIgnoreCase(DEFAULTS.get(key))) {
					throw new ZoomCamException(key + " '" + values.get(key) + "' applies to refine=none (the paper's "
						+ "protocol) only; add refine=none (--refine none), or leave " + key + " at " + DEFAULTS.get(key)
						+ " for the image-guided refinement (its settings are the refine-* keys)");
				}
			}
		}
		final String thresholdText = values.get(THRESHOLD);
		final Threshold threshold = Threshold.parseOrDefault(thresholdText.equalsIgnoreCase("default") ? null
			: thresholdText, method.paperThreshold());
		final String keepText = values.get(KEEP).toLowerCase(Locale.ROOT);
		final int minArea = integer(values, MIN_AREA, 1);
		final Keep keep = keepText.equals("all") ? Keep.all(minArea) : Keep.parse(keepText);
		final String background = values.get(BACKGROUND);
		final double backgroundFraction = background.equalsIgnoreCase("default") ? Double.NaN : number(values,
			BACKGROUND);
		return new AnnotationOptions(threshold, keep, backgroundFraction, refine);
	}

	/**
	 * What was asked, resolved against the bundle, as JSON (written to result.json): two runs with equal
	 * JSON and the same model write the same files.
	 */
	public JsonObject toJson(final BundleManifest manifest) {
		final JsonObject o = new JsonObject();
		final JsonArray methodIds = new JsonArray();
		methods.forEach(m -> methodIds.add(m.id()));
		o.add("methods", methodIds);
		final JsonArray layers = new JsonArray();
		options.layersFor(manifest).forEach(layers::add);
		o.add("layers", layers);
		o.addProperty("gradcam_layer", options.gradcamLayerFor(manifest));
		o.addProperty("targets", String.valueOf(options.targets()));
		o.addProperty("aggregation", options.aggregation().name().toLowerCase(Locale.ROOT));
		o.addProperty("scorecam_channels", options.scoreCam().channels());
		o.addProperty("scorecam_batch", options.scoreCam().batch());
		o.addProperty("layer_maps", layerMaps.name().toLowerCase(Locale.ROOT));
		o.addProperty("pseudo_labels", annotation != null);
		if (annotation != null) {
			o.addProperty("refine", annotation.refine().toString());
			o.addProperty("threshold", String.valueOf(annotation.threshold()));
			o.addProperty("keep", String.valueOf(annotation.keep()));
			o.addProperty("background_fraction", Double.isNaN(annotation.backgroundFraction()) ? "threshold"
				: String.valueOf(annotation.backgroundFraction()));
		}
		o.addProperty("opacity", opacity);
		o.addProperty("tile", tiling.tileText());
		o.addProperty("overlap", tiling.overlap());
		if (tiling.autoScale()) o.addProperty("scale", tiling.scaleText());
		else o.addProperty("scale", tiling.scale());
		o.addProperty("series", series);
		return o;
	}

	/**
	 * SHA-256 over the model's fingerprint and {@link #toJson}: the key that tells a re-run whether an
	 * existing result was made with the same model and settings.
	 */
	public String hash(final String modelFingerprint, final BundleManifest manifest) {
		try {
			final MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(modelFingerprint.getBytes(StandardCharsets.UTF_8));
			digest.update(toJson(manifest).toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java has SHA-256", e);
		}
	}

	private static Map<String, String> defaults() {
		final Map<String, String> d = new LinkedHashMap<>();
		d.put(METHOD, CamMethod.ZOOMCAM.id());
		d.put(LAYERS, "default");
		d.put(TARGET, DEFAULT_TARGET);
		d.put(AGGREGATION, "max");
		d.put(GRADCAM_LAYER, "default");
		d.put(SCORECAM_CHANNELS, String.valueOf(ScoreCamSettings.DEFAULT_CHANNELS));
		d.put(SCORECAM_BATCH, String.valueOf(ScoreCamSettings.DEFAULT_BATCH));
		d.put(LAYER_MAPS, "auto");
		d.put(THRESHOLD, "default");
		d.put(KEEP, "largest");
		d.put(MIN_AREA, "1");
		d.put(BACKGROUND, "default");
		d.put(OPACITY, "0.5");
		d.put(PSEUDO_LABELS, "true");
		final RefineOptions refine = RefineOptions.defaults();
		d.put(REFINE, refine.mode().id());
		d.put(REFINE_THRESHOLDING, refine.thresholdMethod().name());
		d.put(REFINE_SIGMA, plain(refine.sigma()));
		d.put(REFINE_BACKGROUND, plain(refine.rollingBallRadius()));
		d.put(REFINE_POLARITY, refine.polarity().id());
		d.put(REFINE_WATERSHED, String.valueOf(refine.watershed()));
		d.put(REFINE_MIN_EVIDENCE, plain(refine.minEvidence()));
		d.put(REFINE_NOISE_FLOOR, plain(refine.noiseFloor()));
		d.put(REFINE_MIN_SIZE, String.valueOf(refine.minArea()));
		d.put(TILE, Tiling.DEFAULT_TILE);
		d.put(OVERLAP, Tiling.DEFAULT_OVERLAP);
		d.put(SCALE, Tiling.DEFAULT_SCALE);
		d.put(SERIES, "1");
		return java.util.Collections.unmodifiableMap(d);
	}

	private static String plain(final double value) {
		return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(
			value);
	}

	/**
	 * Lists may be separated by ';' as well as ',': Fiji's headless --run option string splits its
	 * key=value pairs at commas.
	 */
	private static String listText(final String text) {
		return text.replace(';', ',');
	}

	private static int integer(final Map<String, String> values, final String key, final int min) {
		final String t = values.get(key);
		final int v;
		try {
			v = Integer.parseInt(t);
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException(key + " '" + t + "' is not a whole number");
		}
		if (v < min) throw new ZoomCamException(key + " must be at least " + min + ", got " + v);
		return v;
	}

	private static double number(final Map<String, String> values, final String key) {
		final String t = values.get(key);
		try {
			return Double.parseDouble(t);
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException(key + " '" + t + "' is not a number");
		}
	}

	private static boolean bool(final Map<String, String> values, final String key) {
		final String t = values.get(key).toLowerCase(Locale.ROOT);
		if (Set.of("true", "yes", "on", "1").contains(t)) return true;
		if (Set.of("false", "no", "off", "0").contains(t)) return false;
		throw new ZoomCamException(key + " '" + values.get(key) + "' is not understood; use true or false");
	}
}
