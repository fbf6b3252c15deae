package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

/**
 * An axis-aligned box as an inclusive pixel extent: it covers columns x .. x + width - 1 and rows
 * y .. y + height - 1. So a box from corner pixels (x0, y0) to (x1, y1) has width x1 - x0 + 1, and
 * {@code area = width * height} counts pixels (the PASCAL VOC / ILSVRC "+1" convention). A box with
 * zero width or height is empty: area 0, and IoU 0 with every box, itself included.
 */
public record Box(int x, int y, int width, int height) {

	public Box {
		if (width < 0 || height < 0) {
			throw new ZoomCamException("box " + width + "x" + height + " at (" + x + ", " + y
				+ ") has a negative size; width and height must be >= 0");
		}
	}

	/** The box whose first and last covered pixels are (x0, y0) and (x1, y1), both inclusive. */
	public static Box fromCorners(final int x0, final int y0, final int x1, final int y1) {
		if (x1 < x0 || y1 < y0) {
			throw new ZoomCamException("box corners (" + x0 + ", " + y0 + ")-(" + x1 + ", " + y1
				+ ") are reversed; the second corner must not be left of or above the first");
		}
		return new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
	}

	/** Last covered column, x + width - 1 (left of x when empty). */
	public int maxX() {
		return x + width - 1;
	}

	/** Last covered row, y + height - 1. */
	public int maxY() {
		return y + height - 1;
	}

	/** Number of pixels covered: width * height. */
	public long area() {
		return (long) width * height;
	}

	public boolean isEmpty() {
		return width == 0 || height == 0;
	}

	/** Pixels covered by both boxes. */
	public long intersectionArea(final Box other) {
		return overlap(x, width, other.x, other.width) * overlap(y, height, other.y, other.height);
	}

	/** Intersection over union: |A ∩ B| / (|A| + |B| - |A ∩ B|), 0 when the union is empty. */
	public double iou(final Box other) {
		return iou(x, y, width, height, other.x, other.y, other.width, other.height);
	}

	/** Whether pixel (px, py) lies inside. */
	public boolean contains(final int px, final int py) {
		return px >= x && px < x + width && py >= y && py < y + height;
	}

	/** Whether {@code other}'s extent lies within this box's extent; always false when this box is empty. */
	public boolean contains(final Box other) {
		return !isEmpty() && other.x >= x && other.y >= y && other.x + other.width <= x + width
			&& other.y + other.height <= y + height;
	}

	/** The pixels covered by both, or an empty box at this box's origin when they do not overlap. */
	public Box intersection(final Box other) {
		final int ix = Math.max(x, other.x);
		final int iy = Math.max(y, other.y);
		final int iw = (int) overlap(x, width, other.x, other.width);
		final int ih = (int) overlap(y, height, other.y, other.height);
		return iw == 0 || ih == 0 ? new Box(x, y, 0, 0) : new Box(ix, iy, iw, ih);
	}

	/** Allocation-free IoU for hot loops. */
	static double iou(final int ax, final int ay, final int aw, final int ah, final int bx, final int by,
		final int bw, final int bh)
	{
		final long inter = overlap(ax, aw, bx, bw) * overlap(ay, ah, by, bh);
		final long union = (long) aw * ah + (long) bw * bh - inter;
		return union == 0 ? 0.0 : (double) inter / union;
	}

	/** Length of the shared part of [a, a + aLength) and [b, b + bLength). */
	private static long overlap(final int a, final int aLength, final int b, final int bLength) {
		final long start = Math.max(a, b);
		final long end = Math.min((long) a + aLength, (long) b + bLength);
		return Math.max(0L, end - start);
	}
}
