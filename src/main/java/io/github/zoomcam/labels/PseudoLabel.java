package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The pseudo-label of one map: a 0/1 mask of the kept components, those components (in label order,
 * labels as numbered over all components of the thresholded map), and the cut that was applied.
 * The mask is copied in and out, so the record is immutable.
 */
public record PseudoLabel(int width, int height, float threshold, byte[] mask, List<Component> components) {

	public PseudoLabel {
		Objects.requireNonNull(mask, "mask");
		Maps.requireSize("pseudo-label mask", mask.length, width, height);
		mask = mask.clone();
		components = List.copyOf(components);
	}

	/** A fresh copy of the 0/1 mask, row-major. */
	@Override
	public byte[] mask() {
		return mask.clone();
	}

	/** Whether pixel (x, y) belongs to a kept component. */
	public boolean isForeground(final int x, final int y) {
		if (x < 0 || y < 0 || x >= width || y >= height) {
			throw new ZoomCamException("pixel (" + x + ", " + y + ") is outside the " + width + "x" + height + " pseudo-label");
		}
		return mask[y * width + x] != 0;
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
			&& Float.compare(threshold, p.threshold) == 0 && Arrays.equals(mask, p.mask)
			&& components.equals(p.components);
	}

	@Override
	public int hashCode() {
		return Objects.hash(width, height, threshold, Arrays.hashCode(mask), components);
	}

	@Override
	public String toString() {
		return "PseudoLabel[" + width + "x" + height + ", threshold=" + threshold + ", components=" + components + "]";
	}
}
