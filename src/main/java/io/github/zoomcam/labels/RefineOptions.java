package io.github.zoomcam.labels;

import ij.process.AutoThresholder;
import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;
import java.util.Locale;

/**
 * How class maps are refined into labels: {@link Mode#NONE} is the paper's protocol (threshold each class
 * map, keep components, fuse classes); {@link Mode#IMAGE} takes object outlines from the image and only the
 * classes from the maps (see {@link ImageGuidedLabeler}). The other fields apply to {@code IMAGE} only.
 *
 * <p>Text form ({@link #parse}): a mode, optionally followed by {@code key=value} settings separated by
 * spaces, commas or semicolons, e.g. {@code image}, {@code none},
 * {@code image method=Li sigma=1.5 rolling=50 polarity=dark watershed=false min_evidence=0.1}.
 *
 * @param mode {@code NONE} or {@code IMAGE}
 * @param thresholdMethod ImageJ's automatic threshold that separates objects from background in the
 *        (smoothed, background-corrected) image; Fiji's names: Otsu, Li, Yen, Triangle, Huang, ...
 * @param sigma Gaussian pre-smoothing of the image in pixels (ImageJ's Gaussian Blur); 0 = off
 * @param rollingBallRadius ImageJ's rolling-ball background subtraction radius in pixels; 0 = off
 * @param polarity whether objects are brighter or darker than the background, or detected per image
 * @param watershed split touching objects where their outline narrows (ImageJ's EDM watershed)
 * @param minEvidence an object is labelled only when its best class has at least this mean max-scaled
 *        map value over the object; below it the object stays background
 * @param splitEvidence inside one object, a second class whose mean max-scaled map value reaches this
 *        fraction of the best class's takes the pixels where its map is the higher (objects of two
 *        classes that touch); 1 or more = never split
 * @param noiseFloor foreground must exceed the background level by this many robust standard deviations
 *        of the background, so noise alone never becomes an object
 * @param minArea objects (and instances) with fewer pixels are dropped
 * @param prominence objects are further divided into intensity basins around maxima that stand out by at
 *        least this many background standard deviations (ImageJ's Find Maxima, "segmented"); each basin
 *        gets its own edge, and in an object split between classes (see {@code splitEvidence}) each basin
 *        takes the strong class with the most evidence over it; 0 = no division
 * @param edge each basin keeps the pixels at or above background + edge * (its peak - background), so
 *        that blur halos go and a dim object keeps its own outline beside a bright one; 0 = off
 * @param watershedTolerance how much (in pixels of distance to the background) a neck must be narrower
 *        than the thinner of the two parts it joins for the watershed to cut there; ImageJ's Watershed
 *        uses 0.5, larger values cut fewer, more pronounced necks (thin rings are then not chopped)
 * @param mergeDistance separate blobs closer than this many pixels belong to one object, so that the
 *        pieces of one object (the dots of a cluster, a broken outline) become one instance of their class;
 *        0 = off
 * @param mergeArea only pieces smaller than this many pixels take part in merging (a large object is
 *        complete on its own, and joining it to a neighbour of its class would merge two instances)
 */
public record RefineOptions(Mode mode, AutoThresholder.Method thresholdMethod, double sigma,
	double rollingBallRadius, Polarity polarity, boolean watershed, double minEvidence, double splitEvidence,
	double noiseFloor, int minArea, double prominence, double edge, double watershedTolerance,
	double mergeDistance, int mergeArea)
{

	/** Which refinement. */
	public enum Mode {
		/** The paper's protocol: each class map thresholded on its own, components kept, classes fused. */
		NONE("none"),
		/** Outlines from the image, classes from the maps. */
		IMAGE("image");

		private final String id;

		Mode(final String id) {
			this.id = id;
		}

		public String id() {
			return id;
		}

		/** "none" (also "paper") or "image" (also "default"), case ignored. */
		public static Mode parse(final String text) {
			final String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
			if (t.equals("none") || t.equals("paper")) return NONE;
			if (t.equals("image") || t.equals("default")) return IMAGE;
			throw new ZoomCamException("refinement '" + text + "' is unknown; use image (the default) or none (the "
				+ "paper's protocol)");
		}
	}

	/** Whether objects are brighter than the background (fluorescence) or darker (bright field, stains). */
	public enum Polarity {
		BRIGHT("bright"),
		DARK("dark"),
		/** Decided per image from the intensity histogram (see {@link ImageGuidedLabeler#isDarkOnBright}). */
		AUTO("auto");

		private final String id;

		Polarity(final String id) {
			this.id = id;
		}

		public String id() {
			return id;
		}

		/** "bright", "dark" or "auto" (case ignored; "bright-on-dark" and "dark-on-bright" also work). */
		public static Polarity parse(final String text) {
			final String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
			switch (t) {
				case "bright", "bright-on-dark", "light":
					return BRIGHT;
				case "dark", "dark-on-bright":
					return DARK;
				case "auto":
					return AUTO;
				default:
					throw new ZoomCamException("polarity '" + text + "' is unknown; use auto, bright (objects brighter "
						+ "than the background) or dark");
			}
		}
	}

	public static final AutoThresholder.Method DEFAULT_METHOD = AutoThresholder.Method.Li;
	public static final double DEFAULT_SIGMA = 0.7;
	public static final double DEFAULT_ROLLING_BALL_RADIUS = 0;
	public static final double DEFAULT_MIN_EVIDENCE = 0.05;
	public static final double DEFAULT_SPLIT_EVIDENCE = 0.9;
	public static final double DEFAULT_NOISE_FLOOR = 4;
	public static final int DEFAULT_MIN_AREA = 4;
	public static final double DEFAULT_PROMINENCE = 0;
	public static final double DEFAULT_EDGE = 0.4;
	public static final double DEFAULT_WATERSHED_TOLERANCE = 1;
	public static final double DEFAULT_MERGE_DISTANCE = 5;
	public static final int DEFAULT_MERGE_AREA = 80;

	private static final String USAGE = "; e.g. image, none, or image method=Otsu sigma=1 rolling=0 "
		+ "polarity=auto watershed=true min_evidence=0.1";

	public RefineOptions {
		if (mode == null) throw new ZoomCamException("no refinement given" + USAGE);
		if (thresholdMethod == null) throw new ZoomCamException("no threshold method given; use one of " + methodNames());
		if (polarity == null) throw new ZoomCamException("no polarity given; use auto, bright or dark");
		requireRange("sigma", sigma, 0, 100, "Gaussian pre-smoothing in pixels, 0 = off");
		requireRange("rolling-ball radius", rollingBallRadius, 0, 10_000, "pixels, 0 = off");
		requireRange("minimum evidence", minEvidence, 0, 1, "a fraction of the class map's maximum, e.g. 0.1");
		requireRange("split evidence", splitEvidence, 0, Double.MAX_VALUE, "a fraction of the best class's "
			+ "evidence, e.g. 0.5; 1 or more never splits");
		requireRange("noise floor", noiseFloor, 0, 1000, "robust standard deviations above the background, e.g. 4");
		if (minArea < 1) throw new ZoomCamException("minimum object area " + minArea + " must be at least 1 pixel");
		requireRange("prominence", prominence, 0, 1e6, "background standard deviations, 0 = off");
		requireRange("edge", edge, 0, 1, "a fraction of each object's peak above the background, 0 = off");
		requireRange("watershed tolerance", watershedTolerance, 0.01, 1000, "pixels, e.g. 0.5 as ImageJ's Watershed");
		requireRange("merge distance", mergeDistance, 0, 1000, "pixels, 0 = off");
		if (mergeArea < 1) throw new ZoomCamException("merge area " + mergeArea + " must be at least 1 pixel");
	}

	/** The product's default: image-guided refinement with the measured settings (see the README). */
	public static RefineOptions defaults() {
		return new RefineOptions(Mode.IMAGE, DEFAULT_METHOD, DEFAULT_SIGMA, DEFAULT_ROLLING_BALL_RADIUS,
			Polarity.AUTO, true, DEFAULT_MIN_EVIDENCE, DEFAULT_SPLIT_EVIDENCE, DEFAULT_NOISE_FLOOR, DEFAULT_MIN_AREA,
			DEFAULT_PROMINENCE, DEFAULT_EDGE, DEFAULT_WATERSHED_TOLERANCE, DEFAULT_MERGE_DISTANCE,
			DEFAULT_MERGE_AREA);
	}

	/** The paper's protocol (the image-guided settings are kept but unused). */
	public static RefineOptions none() {
		return defaults().withMode(Mode.NONE);
	}

	public boolean isNone() {
		return mode == Mode.NONE;
	}

	public RefineOptions withMode(final Mode newMode) {
		return new RefineOptions(newMode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withThresholdMethod(final AutoThresholder.Method method) {
		return new RefineOptions(mode, method, sigma, rollingBallRadius, polarity, watershed, minEvidence,
			splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withSigma(final double newSigma) {
		return new RefineOptions(mode, thresholdMethod, newSigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withRollingBallRadius(final double radius) {
		return new RefineOptions(mode, thresholdMethod, sigma, radius, polarity, watershed, minEvidence,
			splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withPolarity(final Polarity newPolarity) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, newPolarity, watershed,
			minEvidence, splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withWatershed(final boolean enabled) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, enabled, minEvidence,
			splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withMinEvidence(final double evidence) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed, evidence,
			splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withSplitEvidence(final double fraction) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, fraction, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withNoiseFloor(final double deviations) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, deviations, minArea, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withMinArea(final int pixels) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, noiseFloor, pixels, prominence, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withProminence(final double deviations) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, noiseFloor, minArea, deviations, edge, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withEdge(final double fraction) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, noiseFloor, minArea, prominence, fraction, watershedTolerance, mergeDistance, mergeArea);
	}

	public RefineOptions withWatershedTolerance(final double pixels) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, noiseFloor, minArea, prominence, edge, pixels, mergeDistance, mergeArea);
	}

	public RefineOptions withMergeDistance(final double pixels) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, pixels, mergeArea);
	}

	public RefineOptions withMergeArea(final int pixels) {
		return new RefineOptions(mode, thresholdMethod, sigma, rollingBallRadius, polarity, watershed,
			minEvidence, splitEvidence, noiseFloor, minArea, prominence, edge, watershedTolerance, mergeDistance,
			pixels);
	}

	/**
	 * Parses a mode with optional settings on top of {@link #defaults()}: {@code image}, {@code none},
	 * {@code image method=Li sigma=2 rolling=0 polarity=dark watershed=off min_evidence=0.15 split=0.5
	 * noise_floor=4 min_area=4}. Keys are case-insensitive; {@code -} and {@code _} are interchangeable; a
	 * setting alone (without a mode first) refines the default mode. Null or blank gives the defaults.
	 */
	public static RefineOptions parse(final String text) {
		RefineOptions options = defaults();
		if (text == null || text.isBlank()) return options;
		final String[] tokens = text.trim().split("[\\s,;]+");
		for (int i = 0; i < tokens.length; i++) {
			final String token = tokens[i];
			final int equals = token.indexOf('=');
			if (equals < 0) {
				if (i > 0) throw new ZoomCamException("refinement setting '" + token + "' has no value" + USAGE);
				options = options.withMode(Mode.parse(token));
				continue;
			}
			final String key = token.substring(0, equals).trim().toLowerCase(Locale.ROOT).replace('-', '_');
			final String value = token.substring(equals + 1).trim();
			switch (key) {
				case "mode", "refine" -> options = options.withMode(Mode.parse(value));
				case "method", "threshold" -> options = options.withThresholdMethod(parseMethod(value));
				case "sigma", "smooth", "blur" -> options = options.withSigma(number(key, value));
				case "rolling", "rolling_ball", "rolling_ball_radius", "background" -> options = options
					.withRollingBallRadius(number(key, value));
				case "polarity" -> options = options.withPolarity(Polarity.parse(value));
				case "watershed" -> options = options.withWatershed(parseSwitch(key, value));
				case "min_evidence", "evidence" -> options = options.withMinEvidence(number(key, value));
				case "split", "split_evidence" -> options = options.withSplitEvidence(number(key, value));
				case "noise_floor", "floor" -> options = options.withNoiseFloor(number(key, value));
				case "min_area" -> options = options.withMinArea((int) Math.round(number(key, value)));
				case "prominence" -> options = options.withProminence(number(key, value));
				case "edge" -> options = options.withEdge(number(key, value));
				case "watershed_tolerance", "tolerance" -> options = options.withWatershedTolerance(number(key, value));
				case "merge", "merge_distance" -> options = options.withMergeDistance(number(key, value));
				case "merge_area" -> options = options.withMergeArea((int) Math.round(number(key, value)));
				default -> throw new ZoomCamException("refinement setting '" + key + "' is unknown; use method, sigma, "
					+ "rolling, polarity, watershed, min_evidence, split, noise_floor, min_area, prominence, edge, "
					+ "watershed_tolerance, merge or merge_area");
			}
		}
		return options;
	}

	/** One of ImageJ's automatic threshold methods by its Fiji name, case ignored ("otsu", "Li", "MinError"). */
	public static AutoThresholder.Method parseMethod(final String text) {
		final String t = text == null ? "" : text.trim().replace("(I)", "");
		for (final AutoThresholder.Method method : AutoThresholder.Method.values()) {
			if (method.name().equalsIgnoreCase(t)) return method;
		}
		throw new ZoomCamException("threshold method '" + text + "' is unknown; use one of " + methodNames());
	}

	/** "on"/"off", "true"/"false", "yes"/"no", "1"/"0". */
	public static boolean parseSwitch(final String key, final String value) {
		switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "on", "true", "yes", "1":
				return true;
			case "off", "false", "no", "0":
				return false;
			default:
				throw new ZoomCamException(key + " '" + value + "' is not understood; use on or off");
		}
	}

	/** Fiji's names of ImageJ's automatic threshold methods, comma-separated. */
	public static String methodNames() {
		return String.join(", ", Arrays.stream(AutoThresholder.Method.values()).map(Enum::name).toList());
	}

	/** The text form, which {@link #parse} reads back to an equal record. */
	@Override
	public String toString() {
		if (mode == Mode.NONE) return Mode.NONE.id();
		return String.format(Locale.ROOT, "%s method=%s sigma=%s rolling=%s polarity=%s watershed=%s "
			+ "watershed_tolerance=%s merge=%s min_evidence=%s split=%s noise_floor=%s min_area=%d prominence=%s "
			+ "edge=%s merge_area=%d", mode.id(), thresholdMethod.name(), plain(sigma), plain(rollingBallRadius), polarity.id(),
			watershed ? "on" : "off", plain(watershedTolerance), plain(mergeDistance), plain(minEvidence),
			plain(splitEvidence), plain(noiseFloor), minArea, plain(prominence), plain(edge), mergeArea);
	}

	private static String plain(final double value) {
		return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
			: Double.toString(value);
	}

	private static double number(final String key, final String value) {
		try {
			return Double.parseDouble(value);
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException("refinement setting " + key + "='" + value + "' is not a number" + USAGE);
		}
	}

	private static void requireRange(final String what, final double value, final double min, final double max,
		final String hint)
	{
		if (!(value >= min && value <= max)) {
			throw new ZoomCamException(what + " " + value + " is outside [" + plain(min) + ", " + plain(max) + "]; "
				+ hint);
		}
	}
}
