package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.github.zoomcam.labels.ConnectedComponentsTest.mask;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PseudoLabelerTest {

	static final int W = 6;
	static final int H = 4;
	// max 0.9 -> cut 0.25 * 0.9 = 0.225: A = (0,0),(1,0),(0,1) with 0.9 + 0.8 + 0.7 = 2.4;
	// B = the 2x3 block of 0.3 at x 4..5, y 1..3 (area 6, sum 1.8); 0.1 at (0,3) is below the cut.
	static final float[] TWO_BLOBS = {
		0.9f, 0.8f, 0f, 0f, 0f, 0f,
		0.7f, 0f, 0f, 0f, 0.3f, 0.3f,
		0f, 0f, 0f, 0f, 0.3f, 0.3f,
		0.1f, 0f, 0f, 0f, 0.3f, 0.3f};

	@Test
	void largestComponentByArea() {
		final PseudoLabel label = PseudoLabeler.zoomCamDefaults().label("cat", TWO_BLOBS, W, H);
		assertEquals((float) (0.25 * 0.9f), label.threshold());
		// B (label 2) has 6 pixels against A's 3, although A is brighter.
		assertEquals(1, label.components().size());
		final Component b = label.components().get(0);
		assertEquals(2, b.label());
		assertEquals(6, b.area());
		assertEquals(new Box(4, 1, 2, 3), b.box());
		assertEquals(0.3, b.meanValue(), 1e-6);
		assertEquals(0.3f, b.maxValue());
		assertArrayEquals(mask(
			0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 1, 1,
			0, 0, 0, 0, 1, 1,
			0, 0, 0, 0, 1, 1), label.mask());
		assertEquals(6, label.foregroundArea());
	}

	@Test
	void keepAllHonoursMinArea() {
		final PseudoLabeler all4 = new PseudoLabeler(Threshold.ZOOM_CAM_DEFAULT, Keep.all(4));
		// A has 3 pixels < 4, only B stays.
		assertEquals(List.of(new Box(4, 1, 2, 3)), all4.label(TWO_BLOBS, W, H).boxes());
		final PseudoLabel all3 = new PseudoLabeler(Threshold.ZOOM_CAM_DEFAULT, Keep.all(3)).label(TWO_BLOBS, W, H);
		assertEquals(List.of(new Box(0, 0, 2, 2), new Box(4, 1, 2, 3)), all3.boxes());
		assertEquals(9, all3.foregroundArea());
		assertTrue(all3.isForeground(0, 1));
		assertTrue(!all3.isForeground(1, 1));
	}

	@Test
	void areaTiesGoToLargerSumThenToRasterOrder() {
		// Three 1-pixel components (cut 0.25 * 0.6 = 0.15); equal areas, the 0.6 one has the larger sum.
		final PseudoLabel bySum = PseudoLabeler.zoomCamDefaults().label(new float[] {0.5f, 0f, 0.6f, 0f, 0.5f}, 5, 1);
		assertEquals(2, bySum.components().get(0).label());
		// Equal areas and sums: the first in raster order (label 1) stays.
		final PseudoLabel byOrder = PseudoLabeler.zoomCamDefaults().label(new float[] {0.5f, 0f, 0.5f}, 3, 1);
		assertEquals(1, byOrder.components().get(0).label());
		assertEquals(new Box(0, 0, 1, 1), byOrder.components().get(0).box());
	}

	@Test
	void pixelExactlyAtTheCutIsForeground() {
		// max 1 -> cut 0.25: 0.25 is kept, 0.2499 is not, so index 2 separates nothing and is dropped.
		final PseudoLabel label = new PseudoLabeler(Threshold.ZOOM_CAM_DEFAULT, Keep.all(1))
			.label(new float[] {0.25f, 0f, 0.2499f, 0f, 1f}, 5, 1);
		assertEquals(List.of(new Box(0, 0, 1, 1), new Box(4, 0, 1, 1)), label.boxes());
		assertArrayEquals(mask(1, 0, 0, 0, 1), label.mask());
	}

	@Test
	void otsuOnABimodalMap() {
		// Low values 0.1 (6 px) and 0.2 (6 px), a high 2x2 block of 0.8/0.9. On bins over [0.1, 0.9]
		// (0.1 -> 0, 0.2 -> 32, 0.8 -> 224, 0.9 -> 255) the variance w0 w1 (mu0 - mu1)^2 is
		//   after bin 0:   (6/16)(10/16)(0 - 115)^2      = 3100
		//   after bin 32:  (12/16)(4/16)(16 - 239.5)^2   = 9366  <- best
		//   after bin 224: (14/16)(2/16)(45.7 - 255)^2   = 4791
		// so the cut is 0.8 and only the block is foreground.
		final float[] map = {
			0.1f, 0.2f, 0.1f, 0.2f,
			0.2f, 0.8f, 0.9f, 0.1f,
			0.1f, 0.9f, 0.8f, 0.2f,
			0.2f, 0.1f, 0.2f, 0.1f};
		final PseudoLabel label = new PseudoLabeler(new Threshold.Otsu(), Keep.largest()).label(map, 4, 4);
		assertEquals(0.8f, label.threshold());
		assertEquals(List.of(new Box(1, 1, 2, 2)), label.boxes());
		assertEquals(0.9f, label.components().get(0).maxValue());
		// (0.8 + 0.9 + 0.9 + 0.8) / 4 = 0.85
		assertEquals(0.85, label.components().get(0).meanValue(), 1e-6);
	}

	@Test
	void allZeroMapGivesNoComponentsAndNoException() {
		final PseudoLabel label = PseudoLabeler.zoomCamDefaults().label(new float[12], 4, 3);
		assertTrue(label.isEmpty());
		assertEquals(0f, label.threshold());
		assertArrayEquals(new byte[12], label.mask());
		assertTrue(new PseudoLabeler(new Threshold.Fixed(0f), Keep.all(1)).label(new float[12], 4, 3).isEmpty());
		assertTrue(new PseudoLabeler(new Threshold.Otsu(), Keep.all(1)).label(new float[12], 4, 3).isEmpty());
	}

	@Test
	void nonFiniteMapsAreRejectedWithTheirName() {
		final float[] map = new float[6];
		map[5] = Float.NaN;
		final ZoomCamException nan = assertThrows(ZoomCamException.class,
			() -> PseudoLabeler.zoomCamDefaults().label("cat", map, 3, 2));
		// Index 5 in a 3-wide map is (2, 1).
		assertTrue(nan.getMessage().startsWith("map cat contains NaN at pixel (2, 1);"), nan.getMessage());
		map[5] = Float.POSITIVE_INFINITY;
		final ZoomCamException inf = assertThrows(ZoomCamException.class,
			() -> PseudoLabeler.zoomCamDefaults().label("cat", map, 3, 2));
		assertTrue(inf.getMessage().startsWith("map cat contains +Infinity at pixel (2, 1);"), inf.getMessage());
		assertThrows(ZoomCamException.class, () -> PseudoLabeler.zoomCamDefaults().label("cat", new float[5], 3, 2));
	}

	@Test
	void maskIsCopiedInAndOut() {
		final PseudoLabel label = PseudoLabeler.zoomCamDefaults().label(TWO_BLOBS, W, H);
		label.mask()[10] = 0;
		assertEquals(1, label.mask()[10]);
	}

	@Test
	void keepParsesTextForms() {
		assertEquals(Keep.largest(), Keep.parse(" Largest "));
		assertEquals(Keep.all(1), Keep.parse("all"));
		assertEquals(Keep.all(20), Keep.parse("all:20"));
		assertThrows(ZoomCamException.class, () -> Keep.parse("all:zero"));
		assertThrows(ZoomCamException.class, () -> Keep.parse("all:0"));
		assertThrows(ZoomCamException.class, () -> Keep.parse("biggest"));
	}
}
