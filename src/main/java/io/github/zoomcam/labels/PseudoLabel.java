package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The pseudo-label of one map: a 0/1 mask of the kept components, those components (in label order,
 * labels as numbered over all components of the thresholded map), and the cut that was applied.
 * The mask is copied in and out, so the value is immutable.
 *
 * <p>Not a record, because the mask is held as one bit per pixel: the pseudo-labels of every class of a
 * 16384x16384 image are kept until its label files are written, and at a byte per pixel that is 268 MB per
 * class.</p>
 */
public final class PseudoLabel {

	private final int width;
	private final int height;
	private final float threshold;
	private final long[] bits;
	private final List<Component> components;

	/** @param mask row-major, 0 for background and any other value for a kept pixel */
	public PseudoLabel(final int width, final int height, final float threshold, final byte[] mask,
		final List<Component> components)
	{
		Objects.requireNonNull(mask, "mask");
		Maps.requireSize("pseudo-label mask", mask.length, width, height);
		this.width = width;
		this.height = height;
		this.threshold = threshold;
		this.bits = new long[(mask.length + 63) >>> 6];
		for (int i = 0; i < mask.length; i++) {
			if (mask[i] != 0) bits[i >>> 6] |= 1L << i;
		}
		this.components = List.copyOf(components);
	}

	/** A label whose mask is already packed ({@link ConnectedComponents#maskBits}); the bits are not copied. */
	PseudoLabel(final int width, final int height, final float threshold, final long[] bits,
		final List<Component> components)
	{
		if (bits.length != (int) (((long) width * height + 63) >>> 6)) {
			throw new IllegalArgumentException(bits.length + " words for a " + width + "x" + height + " mask");
		}
		this.width = width;
		this.height = height;
		this.threshold = threshold;
		this.bits = bits;
		this.components = List.copyOf(components);
	}

	/**
	 * Builds a label's mask pixel by pixel without an image-sized byte array: the labels of an image labelled
	 * block by block are known only as its instance ids are written.
	 */
	public static final class MaskBuilder {

		private final int width;
		private final int height;
		private final long[] bits;

		public MaskBuilder(final int width, final int height) {
			Maps.pixelCount("pseudo-label mask", width, height);
			this.width = width;
			this.height = height;
			this.bits = new long[(int) (((long) width * height + 63) >>> 6)];
		}

		/** Marks the pixel of row-major index {@code index} as kept. */
		public void add(final int index) {
			bits[index >>> 6] |= 1L << index;
		}

		/** The label; the builder must not be used afterwards. */
		public PseudoLabel build(final float threshold, final List<Component> components) {
			return new PseudoLabel(width, height, threshold, bits, components);
		}
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** The cut applied to the map (or the refinement's minimum evidence). */
	public float threshold() {
		return threshold;
	}

	/** Kept components, in label order. */
	public List<Component> components() {
		return components;
	}

	/** A fresh copy of the 0/1 mask, row-major. */
	public byte[] mask() {
		final byte[] mask = new byte[width * height];
		maskRows(0, height, mask);
		return mask;
	}

	/**
	 * Rows {@code y0 .. y0 + rows - 1} of the 0/1 mask into {@code into} (from its start, row-major), for
	 * writing the label files of a large image a band at a time.
	 */
	public void maskRows(final int y0, final int rows, final byte[] into) {
		if (y0 < 0 || rows < 0 || y0 + rows > height) {
			throw new IllegalArgumentException("rows " + y0 + "+" + rows + " of a mask of height " + height);
		}
		final int from = y0 * width;
		final int n = rows * width;
		for (int j = 0; j < n; j++) {
			final int i = from + j;
			into[j] = (byte) ((bits[i >>> 6] >>> i) & 1L);
		}
	}

	/**
	 * The mask inside a box (which must lie inside the label) as a fresh box-sized mask, 255 inside: the
	 * outline of a label's only component is traced from its box alone.
	 */
	public byte[] crop(final Box box) {
		if (box.x() < 0 || box.y() < 0 || box.x() + box.width() > width || box.y() + box.height() > height) {
			throw new IllegalArgumentException(box + " is outside the " + width + "x" + height + " pseudo-label");
		}
		final byte[] crop = new byte[box.width() * box.height()];
		for (int y = 0; y < box.height(); y++) {
			final int row = (box.y() + y) * width + box.x();
			for (int x = 0; x < box.width(); x++) {
				final int i = row + x;
				if (((bits[i >>> 6] >>> i) & 1L) != 0) crop[y * box.width() + x] = (byte) 255;
			}
		}
		return crop;
	}

	/** Whether pixel (x, y) belongs to a kept component. */
	public boolean isForeground(final int x, final int y) {
		if (x < 0 || y < 0 || x >= width || y >= height) {
			throw new ZoomCamException("pixel (" + x + ", " + y + ") is outside the " + width + "x" + height + " pseudo-label");
		}
		final int i = y * width + x;
		return ((bits[i >>> 6] >>> i) & 1L) != 0;
	}

	/** Whether no component was kept (e.g. an all-zero map). */
	public boolean isEmpty() {
		return components.isEmpty();
	}

	/** Bounding boxes of the kept components, in label order. */
	public List<Box> boxes() {
		return components.stream().map(Component::box).toList();
	}

	/** Number of foreground pixels: the summed area of the kept components. */
	public long foregroundArea() {
		long total = 0;
		for (final Component c : components) total += c.area();
		return total;
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof PseudoLabel p && width == p.width && height == p.height
			&& Float.compare(threshold, p.threshold) == 0 && Arrays.equals(bits, p.bits)
			&& components.equals(p.components);
	}

	@Override
	public int hashCode() {
		return Objects.hash(width, height, threshold, Arrays.hashCode(bits), components);
	}

	@Override
	public String toString() {
		return "PseudoLabel[" + width + "x" + height + ", threshold=" + threshold + ", components=" + components + "]";
	}
}
