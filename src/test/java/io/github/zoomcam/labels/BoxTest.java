package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoxTest {

	@Test
	void cornersAreInclusive() {
		// Columns 1..3 are 3 pixels, rows 1..4 are 4 pixels: 3 * 4 = 12.
		final Box box = Box.fromCorners(1, 1, 3, 4);
		assertEquals(new Box(1, 1, 3, 4), box);
		assertEquals(12, box.area());
		assertEquals(3, box.maxX());
		assertEquals(4, box.maxY());
		// A single pixel is a 1x1 box of area 1.
		assertEquals(1, Box.fromCorners(5, 5, 5, 5).area());
	}

	@Test
	void identicalBoxesHaveIouOne() {
		assertEquals(1.0, new Box(2, 3, 4, 5).iou(new Box(2, 3, 4, 5)));
		assertEquals(1.0, new Box(7, 7, 1, 1).iou(new Box(7, 7, 1, 1)));
	}

	@Test
	void touchingBoxesShareNoPixel() {
		// A covers columns 0..1, B columns 2..3: adjacent edges, no common pixel.
		assertEquals(0.0, new Box(0, 0, 2, 2).iou(new Box(2, 0, 2, 2)));
		// Touching at a corner only: A ends at (1, 1), B starts at (2, 2).
		assertEquals(0.0, new Box(0, 0, 2, 2).iou(new Box(2, 2, 2, 2)));
		assertEquals(0, new Box(0, 0, 2, 2).intersectionArea(new Box(2, 0, 2, 2)));
	}

	@Test
	void partialOverlap() {
		// A covers 0..3 x 0..3 (16 px), B covers 2..5 x 2..5 (16 px); common 2..3 x 2..3 = 4 px.
		// IoU = 4 / (16 + 16 - 4) = 4 / 28 = 1 / 7.
		final Box a = new Box(0, 0, 4, 4);
		final Box b = new Box(2, 2, 4, 4);
		assertEquals(1.0 / 7.0, a.iou(b), 1e-12);
		assertEquals(a.iou(b), b.iou(a));
		assertEquals(new Box(2, 2, 2, 2), a.intersection(b));
	}

	@Test
	void containedBox() {
		// Inner 2x2 = 4 px inside outer 4x4 = 16 px: IoU = 4 / 16 = 0.25.
		final Box outer = new Box(0, 0, 4, 4);
		final Box inner = new Box(1, 1, 2, 2);
		assertEquals(0.25, outer.iou(inner), 1e-12);
		assertTrue(outer.contains(inner));
		assertFalse(inner.contains(outer));
		assertTrue(outer.contains(outer));
		assertTrue(outer.contains(3, 3));
		assertFalse(outer.contains(4, 3));
	}

	@Test
	void zeroSizeBoxesHaveZeroAreaAndIou() {
		final Box flat = new Box(0, 0, 0, 3);
		assertTrue(flat.isEmpty());
		assertEquals(0, flat.area());
		assertEquals(0.0, flat.iou(new Box(0, 0, 4, 4)));
		// Union of two empty boxes is empty; IoU is defined as 0 rather than 0/0.
		assertEquals(0.0, flat.iou(flat));
		assertFalse(flat.contains(new Box(0, 0, 0, 0)));
		assertTrue(new Box(0, 0, 2, 2).intersection(new Box(5, 5, 1, 1)).isEmpty());
	}

	@Test
	void negativeSizeOrReversedCornersAreRejected() {
		assertThrows(ZoomCamException.class, () -> new Box(0, 0, -1, 2));
		assertThrows(ZoomCamException.class, () -> Box.fromCorners(3, 0, 1, 2));
	}
}
