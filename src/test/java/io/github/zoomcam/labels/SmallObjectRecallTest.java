package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.github.zoomcam.labels.ConnectedComponentsTest.mask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmallObjectRecallTest {

	// Instance 1: 4 px, instance 2: 2 px, instance 3: (3,2) + the bottom row = 5 px.
	static final int[] INSTANCES = {
		1, 1, 0, 2,
		1, 1, 0, 2,
		0, 0, 0, 3,
		3, 3, 3, 3};

	@Test
	void classAgnostic() {
		final SmallObjectRecall recall = new SmallObjectRecall(5);
		recall.add("a", INSTANCES, mask(
			1, 1, 0, 0,
			0, 0, 0, 0,
			0, 0, 0, 1,
			1, 1, 1, 1), 4, 4);
		// Instance 1: 2 of 4 pixels covered, 2 * 2 >= 4 -> recalled. Instance 2: 0 of 2 -> missed.
		// Instance 3 has 5 px, not below the limit of 5, so it does not count although fully covered.
		assertEquals(2, recall.smallInstances());
		assertEquals(1, recall.recalledInstances());
		assertEquals(0.5, recall.recall());
		assertEquals(1, recall.images());
	}

	@Test
	void classAwareCountsOnlyTheInstancesOwnClass() {
		final int[] truth = {
			4, 4, 0, 6,
			4, 4, 0, 6,
			0, 0, 0, 4,
			4, 4, 4, 4};
		final int[] predicted = {
			4, 6, 0, 6,
			6, 0, 0, 0,
			0, 0, 0, 4,
			0, 0, 0, 0};
		final SmallObjectRecall recall = new SmallObjectRecall(5);
		recall.add("a", INSTANCES, truth, predicted, 4, 4);
		// Instance 1 (class 4): only (0,0) is predicted 4; (1,0) and (0,1) are predicted 6, which would
		// count class-agnostically. 1 of 4 -> missed. Instance 2 (class 6): (3,0) of 2 -> 2 * 1 >= 2 -> recalled.
		assertEquals(2, recall.smallInstances());
		assertEquals(1, recall.recalledInstances());
		assertEquals(0.5, recall.recall());
	}

	@Test
	void voidPixelsAreNotInstances() {
		final SmallObjectRecall recall = new SmallObjectRecall();
		recall.add("void", new int[] {1, 255, 255, 0}, mask(1, 0, 0, 0), 4, 1);
		// Only instance 1 (1 px, covered); 255 is void, 0 is nothing.
		assertEquals(1, recall.smallInstances());
		assertEquals(1.0, recall.recall());
	}

	@Test
	void defaultLimitIs32By32() {
		final int width = 64;
		final int height = 40;
		final int[] instances = new int[width * height];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				// Instance 1: x 0..31, y 0..31 = 1024 px, not small. Instance 2: x 32..62, y 0..32 = 31 * 33 = 1023 px, small.
				if (x < 32 && y < 32) instances[y * width + x] = 1;
				else if (x >= 32 && x <= 62 && y <= 32) instances[y * width + x] = 2;
			}
		}
		final byte[] everything = new byte[width * height];
		Arrays.fill(everything, (byte) 1);
		final SmallObjectRecall recall = new SmallObjectRecall();
		recall.add(null, instances, everything, width, height);
		assertEquals(1, recall.smallInstances());
		assertEquals(1.0, recall.recall());
	}

	@Test
	void perInstanceMasks() {
		final SmallObjectRecall recall = new SmallObjectRecall();
		// 3 px instance with 1 covered: 2 * 1 < 3 -> missed. 2 px instance with 1 covered: 2 * 1 >= 2 -> recalled.
		recall.addInstance("a", mask(1, 1, 1, 0), mask(1, 0, 0, 1), 2, 2);
		recall.addInstance("a", mask(0, 0, 1, 1), mask(0, 0, 0, 1), 2, 2);
		recall.nextImage();
		assertEquals(2, recall.smallInstances());
		assertEquals(0.5, recall.recall());
		assertEquals(1, recall.images());
	}

	@Test
	void noSmallInstancesGivesNaN() {
		final SmallObjectRecall recall = new SmallObjectRecall();
		recall.add("empty", new int[4], new byte[4], 2, 2);
		assertTrue(Double.isNaN(recall.recall()));
	}

	@Test
	void badInputNamesTheImage() {
		final SmallObjectRecall recall = new SmallObjectRecall();
		final ZoomCamException e = assertThrows(ZoomCamException.class,
			() -> recall.add("2008_000123.png", new int[4], new byte[3], 2, 2));
		assertTrue(e.getMessage().startsWith("image 2008_000123.png: predicted mask has 3 values"), e.getMessage());
		assertThrows(ZoomCamException.class, () -> recall.add("neg", new int[] {-1}, new byte[1], 1, 1));
		assertThrows(ZoomCamException.class,
			() -> recall.add("mixed", new int[] {1, 1}, new int[] {2, 3}, new int[2], 2, 1));
	}
}
