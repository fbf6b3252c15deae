package io.github.zoomcam.pipeline.tiling;

import java.util.Arrays;

/**
 * How one axis of an image is cut into overlapping tiles, and how the tiles are blended where they overlap.
 *
 * <p>Placement: an axis no longer than a tile gets one tile at 0 (the part beyond the image is a mirrored
 * border). A longer axis gets the fewest tiles whose overlaps are all at least the asked overlap, spread
 * evenly from 0 to the image end, so no tile reaches past the image and every overlap is about the same.
 *
 * <p>Blending: each tile's weight rises over its overlap with the previous tile as sin² and falls over the
 * overlap with the next tile as the mirrored ramp, so in a two-tile overlap the two weights are cos² and sin²
 * of the same angle and add up to 1 (a smooth, C¹ cross-fade: no seam, no step). The weights are then
 * divided by their sum at each pixel, which keeps them a partition of unity even where three tiles overlap
 * (short axes); a stitched constant or linear ramp therefore comes back unchanged.</p>
 */
public final class TileAxis {

	private final int imageLength;
	private final int tileLength;
	private final int[] starts;
	/** Per tile, the weight of each of its pixels (0 beyond the image end). */
	private final float[][] weights;

	private TileAxis(final int imageLength, final int tileLength, final int[] starts, final float[][] weights) {
		this.imageLength = imageLength;
		this.tileLength = tileLength;
		this.starts = starts;
		this.weights = weights;
	}

	/**
	 * @param imageLength pixels of the image along the axis (at least 1)
	 * @param tileLength pixels of a tile along the axis (at least 1)
	 * @param overlap the least overlap of neighbouring tiles in pixels, 0 to tileLength / 2
	 */
	public static TileAxis of(final int imageLength, final int tileLength, final int overlap) {
		if (imageLength < 1 || tileLength < 1) {
			throw new IllegalArgumentException("image " + imageLength + " and tile " + tileLength + " must be positive");
		}
		if (overlap < 0 || overlap > tileLength / 2) {
			throw new IllegalArgumentException("overlap " + overlap + " must be 0 to half the tile (" + tileLength + ")");
		}
		final int[] starts;
		if (imageLength <= tileLength) {
			starts = new int[] { 0 };
		}
		else {
			final long span = imageLength - tileLength;
			final int step = tileLength - overlap;
			final int n = (int) ((span + step - 1) / step) + 1;
			starts = new int[n];
			// Even spacing, rounded: consecutive starts differ by at most ceil(span / (n - 1)) <= step.
			for (int i = 0; i < n; i++) starts[i] = (int) ((i * span + (n - 1) / 2) / (n - 1));
		}
		return new TileAxis(imageLength, tileLength, starts, blendWeights(imageLength, tileLength, starts));
	}

	private static float[][] blendWeights(final int imageLength, final int tileLength, final int[] starts) {
		final int n = starts.length;
		final double[][] raw = new double[n][tileLength];
		final double[] sum = new double[imageLength];
		for (int i = 0; i < n; i++) {
			final int rise = i > 0 ? starts[i - 1] + tileLength - starts[i] : 0;
			final int fall = i < n - 1 ? starts[i] + tileLength - starts[i + 1] : 0;
			for (int u = 0; u < tileLength; u++) {
				double w = 1;
				if (u < rise) w *= squaredSine((u + 0.5) / rise);
				if (u >= tileLength - fall) w *= squaredSine((tileLength - u - 0.5) / fall);
				raw[i][u] = w;
				final int x = starts[i] + u;
				if (x < imageLength) sum[x] += w;
			}
		}
		final float[][] weights = new float[n][tileLength];
		for (int i = 0; i < n; i++) {
			for (int u = 0; u < tileLength && starts[i] + u < imageLength; u++) {
				weights[i][u] = (float) (raw[i][u] / sum[starts[i] + u]);
			}
		}
		return weights;
	}

	/** sin²(π/2 · t) for t in (0, 1): the rising half of a raised cosine, never 0 inside. */
	private static double squaredSine(final double t) {
		final double s = Math.sin(Math.PI / 2 * t);
		return s * s;
	}

	public int imageLength() {
		return imageLength;
	}

	public int tileLength() {
		return tileLength;
	}

	public int count() {
		return starts.length;
	}

	/** First image pixel of tile i (tiles never start outside the image). */
	public int start(final int i) {
		return starts[i];
	}

	/** Pixels of tile i that lie inside the image: the tile length, or less for an axis shorter than a tile. */
	public int validLength(final int i) {
		return Math.min(tileLength, imageLength - starts[i]);
	}

	/** A copy of the blending weights of tile i, one per tile pixel; 0 beyond the image end. */
	public float[] weights(final int i) {
		return weights[i].clone();
	}

	/** The blending weight of pixel u of tile i, without copying. */
	public float weight(final int i, final int u) {
		return weights[i][u];
	}

	@Override
	public String toString() {
		return "TileAxis[image " + imageLength + ", tile " + tileLength + ", starts " + Arrays.toString(starts) + "]";
	}
}
