package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceMatchingTest {

	// Truth: two nuclei (class 0) and a ring (class 2); the second nucleus and the ring are small (< 1024 px).
	static final ClassBox NUCLEUS_A = new ClassBox(0, new Box(0, 0, 40, 40), 1200);
	static final ClassBox NUCLEUS_B = new ClassBox(0, new Box(50, 0, 10, 10), 80);
	static final ClassBox RING = new ClassBox(2, new Box(0, 50, 10, 10), 60);

	@Test
	void matchesOneToOneWithinAClassAtIoUOneHalf() {
		final InstanceMatching matching = new InstanceMatching();
		// (1) covers A's columns 0..37 of 40: IoU 38*40 / 40*40 = 0.95, a match.
		// (2) is B's size but on the ring's spot: the ring's box exactly, but class 0, so no match.
		// (3) covers B's left half: IoU 50 / 100 = 0.5, exactly the limit, a match.
		// (4) the ring's class, a quarter of its box: IoU 25 / 100 = 0.25, no match.
		final int[] match = matching.add(List.of(NUCLEUS_A, NUCLEUS_B, RING), List.of(
			new ClassBox(0, new Box(0, 0, 38, 40), 1000), new ClassBox(0, new Box(0, 50, 10, 10), 70),
			new ClassBox(0, new Box(50, 0, 5, 10), 40), new ClassBox(2, new Box(0, 50, 5, 5), 20)));
		assertArrayEquals(new int[] {0, 2, -1}, match);
		assertEquals(2.0 / 3, matching.recall(), 1e-12);
		assertEquals(2.0 / 4, matching.precision(), 1e-12);
		// Small truth instances: B (matched) and the ring (missed).
		assertEquals(0.5, matching.smallObjectRecall(), 1e-12);
		assertEquals(1.0, matching.recall(0), 1e-12);
		assertEquals(0.0, matching.recall(2), 1e-12);
		assertEquals(2.0 / 3, matching.precision(0), 1e-12);
		assertEquals(0.0, matching.precision(2), 1e-12);
		assertTrue(Double.isNaN(matching.recall(1)));
	}

	@Test
	void aTruthBoxIsMatchedOnceAndTheBetterPairWins() {
		// Two predictions on A: IoU 0.95 and 1.0; the exact one takes A, the other stays unmatched.
		final InstanceMatching matching = new InstanceMatching();
		final int[] match = matching.add(List.of(NUCLEUS_A), List.of(new ClassBox(0, new Box(0, 0, 38, 40), 1000),
			new ClassBox(0, new Box(0, 0, 40, 40), 1200)));
		assertArrayEquals(new int[] {1}, match);
		assertEquals(1.0, matching.recall());
		assertEquals(0.5, matching.precision());
		// Accumulates over images: nothing predicted for the second image.
		matching.add(List.of(NUCLEUS_B, RING), List.of());
		assertEquals(1.0 / 3, matching.recall(), 1e-12);
		assertEquals(0.5, matching.precision());
		assertEquals(2, matching.images());
		assertEquals(0.0, matching.smallObjectRecall());
	}

	@Test
	void emptyDenominatorsAreNaNAndBadInputIsRefused() {
		final InstanceMatching matching = new InstanceMatching();
		matching.add(List.of(), List.of());
		assertTrue(Double.isNaN(matching.recall()));
		assertTrue(Double.isNaN(matching.precision()));
		assertTrue(Double.isNaN(matching.smallObjectRecall()));
		assertThrows(ZoomCamException.class, () -> new InstanceMatching(0, 1024));
		assertThrows(ZoomCamException.class, () -> new InstanceMatching(0.5, 0));
		assertThrows(ZoomCamException.class, () -> matching.add(null, List.of()));
	}
}
