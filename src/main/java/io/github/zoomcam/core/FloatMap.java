package io.github.zoomcam.core;

import java.util.Arrays;

/**
 * An immutable single-channel float image, row-major (index = y * width + x).
 */
public final class FloatMap {

	private final int width;
	private final int height;
	private final float[] data;

	private FloatMap(final int width, final int height, final float[] data) {
		this.width = width;
		this.height = height;
		this.data = data;
	}

	/** Copies the values; the map never shares an array with its caller. */
	public static FloatMap of(final int width, final int height, final float[] values) {
		if (values.length != width * height) {
			throw new IllegalArgumentException("expected " + width * height + " values, got " + values.length);
		}
		return new FloatMap(width, height, values.clone());
	}

	/**
	 * Takes the array without copying it: for maps built once and handed over whole (a stitched map of a
	 * large image, where a copy would double the memory). The caller must not change the array afterwards.
	 */
	public static FloatMap wrap(final int width, final int height, final float[] values) {
		if ((long) width * height != values.length) {
			throw new IllegalArgumentException("expected " + (long) width * height + " values, got " + values.length);
		}
		return new FloatMap(width, height, values);
	}

	/** Copies width * height values starting at {@code offset} (one map out of a larger host buffer). */
	public static FloatMap copyOf(final int width, final int height, final float[] values, final int offset) {
		return new FloatMap(width, height, Arrays.copyOfRange(values, offset, offset + width * height));
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public float get(final int x, final int y) {
		return data[y * width + x];
	}

	/**
	 * The values themselves, without a copy, for code that only reads them and needs an array (ImageJ's TIFF
	 * writer, the labels package): a map of a large image is not copied to be written or labelled. Callers
	 * must not change the array.
	 */
	public float[] sharedValues() {
		return data;
	}

	/** A fresh copy of the values, row-major. */
	public float[] toArray() {
		return data.clone();
	}

	public float max() {
		float m = Float.NEGATIVE_INFINITY;
		for (final float v : data) m = Math.max(m, v);
		return m;
	}

	public float min() {
		float m = Float.POSITIVE_INFINITY;
		for (final float v : data) m = Math.min(m, v);
		return m;
	}

	@Override
	public String toString() {
		return "FloatMap[" + width + "x" + height + "]";
	}
}
