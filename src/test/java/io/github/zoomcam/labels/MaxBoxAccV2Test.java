package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaxBoxAccV2Test {

	static final int D03 = 0;
	static final int D05 = 1;
	static final int D07 = 2;

	/** The two-image example worked out below, shared with the report test. */
	static MaxBoxAccV2 twoImages() {
		final MaxBoxAccV2 metric = new MaxBoxAccV2();
		// Image 1 (4x1), truth covers x 1..3:
		//   t 0.81..1.00: nothing;
		//   t 0.41..0.80: x 1..2 -> IoU 2/3 (meets 0.3 and 0.5, not 0.7);
		//   t 0.00..0.40: x 1..3 (0.4 >= 0.40 counts; x 0 is zero, never foreground) -> IoU 1.
		metric.add("one", new float[] {0f, 0.8f, 0.8f, 0.4f}, 4, 1, List.of(new Box(1, 0, 3, 1)));
		// Image 2 (4x1), truth covers x 0..2:
		//   t 0.61..1.00: nothing; t 0.00..0.60: x 0..1 -> IoU 2/3.
		metric.add("two", new float[] {0.6f, 0.6f, 0f, 0f}, 4, 1, List.of(new Box(0, 0, 3, 1)));
		return metric;
	}

	@Test
	void twoImagesByHand() {
		final MaxBoxAccV2 metric = twoImages();
		assertEquals(2, metric.images());
		// delta 0.3 and 0.5: both images right for t 0.00..0.60 -> 1.0; t 0.61..0.80 only image 1 -> 0.5.
		assertEquals(1.0, metric.boxAccuracy(0, D05));
		assertEquals(1.0, metric.boxAccuracy(60, D03));
		assertEquals(0.5, metric.boxAccuracy(61, D03));
		assertEquals(0.5, metric.boxAccuracy(80, D05));
		assertEquals(0.0, metric.boxAccuracy(81, D03));
		// delta 0.7: only image 1 at t <= 0.40 (IoU 1); image 2 never (2/3 < 0.7).
		assertEquals(0.5, metric.boxAccuracy(40, D07));
		assertEquals(0.0, metric.boxAccuracy(41, D07));
		assertEquals(1.0, metric.maxBoxAccuracy(D03));
		assertEquals(1.0, metric.maxBoxAccuracy(D05));
		assertEquals(0.5, metric.maxBoxAccuracy(D07));
		assertEquals(0, metric.bestThresholdIndex(D07));
		// MaxBoxAccV2 = (1 + 1 + 0.5) / 3 = 5/6.
		assertEquals(5.0 / 6, metric.value(), 1e-12);
	}

	@Test
	void anyComponentCountsAndDiagonalsConnect() {
		final MaxBoxAccV2 small = new MaxBoxAccV2();
		// The truth is the dimmer pixel x 3: it exists as its own component only for t <= 0.50.
		small.add("small", new float[] {0.9f, 0.9f, 0f, 0.5f, 0f}, 5, 1, List.of(new Box(3, 0, 1, 1)));
		assertEquals(1.0, small.boxAccuracy(50, D07));
		assertEquals(0.0, small.boxAccuracy(51, D03));
		assertEquals(1.0, small.value());

		final MaxBoxAccV2 diagonal = new MaxBoxAccV2();
		// 8-connectivity joins the two corners into one 2x2 box (IoU 1); separately they would be 1x1
		// boxes with IoU 1/4 each and fail every delta.
		diagonal.add("diagonal", new float[] {0.5f, 0f, 0f, 0.5f}, 2, 2, List.of(new Box(0, 0, 2, 2)));
		assertEquals(1.0, diagonal.boxAccuracy(50, D07));
	}

	@Test
	void agreesWithRelabellingAtEveryThreshold() {
		// Consistency of the incremental sweep with a direct ConnectedComponents labelling per threshold
		// on random maps (values on the 0.01 grid, about a third of them zero, so ties at thresholds occur).
		final Random random = new Random(42);
		final int width = 13;
		final int height = 9;
		final MaxBoxAccV2 metric = new MaxBoxAccV2();
		final int[][] right = new int[MaxBoxAccV2.THRESHOLDS][3];
		final double[] deltas = MaxBoxAccV2.deltas();
		final int images = 25;
		for (int image = 0; image < images; image++) {
			final float[] map = new float[width * height];
			for (int i = 0; i < map.length; i++) map[i] = random.nextInt(3) == 0 ? 0f : random.nextInt(101) / 100f;
			final List<Box> truth = new ArrayList<>();
			for (int g = 0; g <= random.nextInt(2); g++) {
				final int x = random.nextInt(width);
				final int y = random.nextInt(height);
				truth.add(new Box(x, y, 1 + random.nextInt(width - x), 1 + random.nextInt(height - y)));
			}
			metric.add("random" + image, map, width, height, truth);
			for (int t = 0; t < MaxBoxAccV2.THRESHOLDS; t++) {
				final List<Component> components = ConnectedComponents
					.ofThreshold("random", map, width, height, MaxBoxAccV2.threshold(t)).components();
				for (int d = 0; d < 3; d++) {
					boolean hit = false;
					for (final Component c : components) {
						for (final Box b : truth) hit |= c.box().iou(b) >= deltas[d];
					}
					if (hit) right[t][d]++;
				}
			}
		}
		for (int t = 0; t < MaxBoxAccV2.THRESHOLDS; t++) {
			for (int d = 0; d < 3; d++) {
				assertEquals((double) right[t][d] / images, metric.boxAccuracy(t, d), "t=" + t + " d=" + d);
			}
		}
	}

	@Test
	void thresholdsAreTheHundredths() {
		assertEquals(0f, MaxBoxAccV2.threshold(0));
		assertEquals(0.3f, MaxBoxAccV2.threshold(30));
		assertEquals(1f, MaxBoxAccV2.threshold(100));
		assertEquals(3, MaxBoxAccV2.deltas().length);
	}

	@Test
	void badInputIsRejected() {
		final MaxBoxAccV2 metric = new MaxBoxAccV2();
		final ZoomCamException range = assertThrows(ZoomCamException.class,
			() -> metric.add("raw.JPEG", new float[] {0f, 2f}, 2, 1, List.of(new Box(0, 0, 1, 1))));
		assertTrue(range.getMessage().contains("raw.JPEG") && range.getMessage().contains("[0, 1]"), range.getMessage());
		assertThrows(ZoomCamException.class, () -> metric.add("nan", new float[] {Float.NaN}, 1, 1, List.of(new Box(0, 0, 1, 1))));
		assertThrows(ZoomCamException.class, () -> metric.add("none", new float[] {0.5f}, 1, 1, List.of()));
		assertThrows(ZoomCamException.class, () -> metric.add("size", new float[3], 2, 2, List.of(new Box(0, 0, 1, 1))));
		assertEquals(0, metric.images());
		assertTrue(Double.isNaN(metric.value()));
	}
}
