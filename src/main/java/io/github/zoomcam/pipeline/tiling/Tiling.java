package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Locale;

/**
 * Whether and how an image is cut into tiles before it is explained (the {@code tile}, {@code overlap} and
 * {@code scale} settings).
 *
 * <p>A classifier takes a fixed input (128x128 for the bundled model). Without tiling the whole image is
 * resized to it, so a 2048x2048 frame shrinks 16-fold and a 30 px object becomes 2 px. With tiling the image
 * is cut into overlapping tiles that each cover {@code scale} image pixels per model pixel (1: native
 * resolution), every tile is explained, and the maps are stitched back at the image's full size.</p>
 *
 * @param mode {@link Mode#AUTO} (tile when the image is larger than one tile), {@link Mode#NONE} (never:
 *   the whole image is resized to the model input) or {@link Mode#SIZE} (tiles of {@code size} image pixels)
 * @param size with {@link Mode#SIZE}: the tile width in image pixels (the height follows the model's aspect)
 * @param overlap least overlap of neighbouring tiles, as a fraction of the tile, 0 to 0.5
 * @param scale image pixels per model input pixel (with {@link Mode#AUTO}), or NaN for {@code auto}: the
 *   bundle's training pixel size over the image's pixel size where both are known ({@link #scaleFor}), else 1;
 *   {@link Mode#SIZE} sets it to size / model width
 */
public record Tiling(Mode mode, int size, double overlap, double scale) {

	/** The tile setting. */
	public enum Mode { AUTO, NONE, SIZE }

	public static final String DEFAULT_TILE = "auto";
	public static final String DEFAULT_OVERLAP = "0.25";
	public static final String DEFAULT_SCALE = "auto";
	public static final Tiling DEFAULT = parse(DEFAULT_TILE, DEFAULT_OVERLAP, DEFAULT_SCALE);

	public Tiling {
		if (mode == null) throw new ZoomCamException("no tile mode; use auto, none or a tile size in pixels");
		if (mode == Mode.SIZE && size < 2) {
			throw new ZoomCamException("tile size " + size + " is too small; give at least 2 pixels, or auto");
		}
		if (!(overlap >= 0 && overlap <= 0.5)) {
			throw new ZoomCamException("overlap " + overlap + " is outside 0..0.5; give a fraction of the tile " +
				"such as 0.25");
		}
		if (!Double.isNaN(scale) && !(scale > 0 && scale <= 1000)) {
			throw new ZoomCamException("scale " + scale + " must be above 0 (image pixels per model pixel, e.g. 1 " +
				"for native resolution, 2 to halve the image)");
		}
		if (mode == Mode.SIZE && !Double.isNaN(scale) && scale != 1) {
			throw new ZoomCamException("give a tile size or a scale, not both: tile " + size + " already sets the " +
				"scale to " + size + " / model width");
		}
	}

	/** Parses the text of the three settings ("auto" | "none" | pixels; a fraction; a positive number). */
	public static Tiling parse(final String tile, final String overlap, final String scale) {
		final String t = tile.trim().toLowerCase(Locale.ROOT);
		final Mode mode;
		int size = 0;
		if (t.equals("auto")) {
			mode = Mode.AUTO;
		}
		else if (t.equals("none") || t.equals("off")) {
			mode = Mode.NONE;
		}
		else {
			try {
				size = Integer.parseInt(t.endsWith("px") ? t.substring(0, t.length() - 2).trim() : t);
			}
			catch (final NumberFormatException e) {
				throw new ZoomCamException("tile '" + tile + "' is not understood; use auto, none or a tile size in " +
					"pixels such as 256");
			}
			mode = Mode.SIZE;
		}
		final boolean auto = scale.trim().equalsIgnoreCase("auto");
		return new Tiling(mode, size, number("overlap", overlap), auto ? Double.NaN : number("scale", scale));
	}

	/** Whether the scale follows the pixel sizes ({@code scale auto}). */
	public boolean autoScale() {
		return Double.isNaN(scale);
	}

	/** The scale setting's text: "auto" or the number. */
	public String scaleText() {
		return autoScale() ? "auto" : (scale == Math.rint(scale) ? String.valueOf((long) scale) : String.valueOf(scale));
	}

	/**
	 * Image pixels per model pixel for one image: the scale given, or with {@code auto} the model's training pixel
	 * size over the image's pixel size (an image of 0.325 µm pixels and a model trained at 0.65 µm: 2, so a tile
	 * covers the same area in micrometres as a training image), and 1 where either is unknown.
	 *
	 * @param imagePixelSizeUm the image's pixel size in micrometres, NaN when not calibrated
	 * @param modelPixelSizeUm the bundle's training pixel size in micrometres, NaN when not declared
	 */
	public double scaleFor(final double imagePixelSizeUm, final double modelPixelSizeUm) {
		if (!autoScale()) return scale;
		if (!(imagePixelSizeUm > 0) || !(modelPixelSizeUm > 0)) return 1;
		final double ratio = modelPixelSizeUm / imagePixelSizeUm;
		if (!(ratio > 0 && ratio <= 1000)) {
			throw new ZoomCamException(String.format(Locale.ROOT, "the image's pixels (%s um) and the model's training " +
				"pixels (%s um) differ %.3g-fold; check the image's calibration (Image > Properties), or give a scale",
				imagePixelSizeUm, modelPixelSizeUm, ratio));
		}
		return ratio;
	}

	/**
	 * A calibration's pixel size in micrometres (the mean of its width and height), or NaN when it is not
	 * calibrated in a length unit (pixels, or a unit this does not know).
	 */
	public static double micrometres(final ij.measure.Calibration calibration) {
		if (calibration == null || !calibration.scaled()) return Double.NaN;
		final String unit = calibration.getUnit() == null ? "" : calibration.getUnit().trim().toLowerCase(Locale.ROOT);
		final double perUnit = switch (unit) {
			case "micron", "microns", "um", "\u00b5m", "\u03bcm", "micrometer", "micrometre", "micrometers",
				"micrometres" -> 1;
			case "nm", "nanometer", "nanometre", "nanometers", "nanometres" -> 1e-3;
			case "mm", "millimeter", "millimetre", "millimeters", "millimetres" -> 1e3;
			case "cm" -> 1e4;
			case "m", "meter", "metre" -> 1e6;
			default -> Double.NaN;
		};
		return perUnit * (calibration.pixelWidth + calibration.pixelHeight) / 2;
	}

	private static double number(final String key, final String text) {
		try {
			return Double.parseDouble(text.trim());
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException(key + " '" + text + "' is not a number");
		}
	}

	/** The tile's width and height in image pixels for a model input of this size (scale auto: 1). */
	public int[] tileSize(final int modelWidth, final int modelHeight) {
		return tileSize(modelWidth, modelHeight, scaleFor(Double.NaN, Double.NaN));
	}

	private int[] tileSize(final int modelWidth, final int modelHeight, final double imageScale) {
		if (mode == Mode.SIZE) {
			return new int[] { size, Math.max(1, (int) Math.round((double) size * modelHeight / modelWidth)) };
		}
		return new int[] { Math.max(1, (int) Math.round(modelWidth * imageScale)), Math.max(1, (int) Math.round(
			modelHeight * imageScale)) };
	}

	/**
	 * The tiles of an image of this size, or null when it is explained whole: with {@link Mode#NONE}, and
	 * when the image fits in one tile (then it is resized to the model input as without tiling). Scale auto is 1.
	 */
	public TileGrid plan(final int imageWidth, final int imageHeight, final int modelWidth, final int modelHeight) {
		return plan(imageWidth, imageHeight, modelWidth, modelHeight, scaleFor(Double.NaN, Double.NaN));
	}

	/**
	 * The tiles of an ImageJ image for a bundle: with {@code scale auto}, at the bundle's training pixel size
	 * where the bundle declares it and the image is calibrated ({@link #scaleFor}).
	 */
	public TileGrid plan(final ij.ImagePlus image, final io.github.zoomcam.engine.BundleManifest manifest) {
		return plan(image.getWidth(), image.getHeight(), manifest.width(), manifest.height(), scaleFor(micrometres(
			image.getCalibration()), manifest.pixelSizeUm()));
	}

	/** {@link #plan(int, int, int, int)} at a scale resolved for the image ({@link #scaleFor}). */
	public TileGrid plan(final int imageWidth, final int imageHeight, final int modelWidth, final int modelHeight,
		final double imageScale)
	{
		if (mode == Mode.NONE) return null;
		final int[] tile = tileSize(modelWidth, modelHeight, imageScale);
		if (imageWidth <= tile[0] && imageHeight <= tile[1]) return null;
		final int overlapX = (int) Math.min(tile[0] / 2, Math.round(overlap * tile[0]));
		final int overlapY = (int) Math.min(tile[1] / 2, Math.round(overlap * tile[1]));
		return new TileGrid(TileAxis.of(imageWidth, tile[0], overlapX), TileAxis.of(imageHeight, tile[1], overlapY),
			mode == Mode.SIZE ? (double) size / modelWidth : imageScale);
	}

	/** The settings' text form, as parsed. */
	public String tileText() {
		return switch (mode) {
			case AUTO -> "auto";
			case NONE -> "none";
			case SIZE -> String.valueOf(size);
		};
	}
}
