package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectedComponentsTest {

	static byte[] mask(final int... values) {
		final byte[] mask = new byte[values.length];
		for (int i = 0; i < values.length; i++) mask[i] = (byte) values[i];
		return mask;
	}

	@Test
	void diagonalNeighboursAreOneComponent() {
		final ConnectedComponents down = ConnectedComponents.of(mask(
			1, 0, 0,
			0, 1, 0,
			0, 0, 1), 3, 3);
		assertEquals(1, down.count());
		assertEquals(new Component(1, 3, new Box(0, 0, 3, 3), 3.0, 1f), down.component(1));

		// The other diagonal exercises the "run above ends one column to the right" case.
		final ConnectedComponents up = ConnectedComponents.of(mask(
			0, 0, 1,
			0, 1, 0,
			1, 0, 0), 3, 3);
		assertEquals(1, up.count());
		assertArrayEquals(new int[] {
			0, 0, 1,
			0, 1, 0,
			1, 0, 0}, up.labels());
	}

	@Test
	void labelsFollowRasterOrderOfFirstPixelWithBorderAndSinglePixelComponents() {
		// A = (3,0),(4,0),(4,1): first pixel index 3, touches top and right border.
		// B = (0,1),(0,2): first pixel index 5, left border.
		// C = (2,2): isolated single pixel, all 8 neighbours background.
		// D = (4,3): single pixel in the bottom-right corner; (3,2),(4,2),(3,3) are background.
		final ConnectedComponents cc = ConnectedComponents.of(mask(
			0, 0, 0, 1, 1,
			1, 0, 0, 0, 1,
			1, 0, 1, 0, 0,
			0, 0, 0, 0, 1), 5, 4);
		assertEquals(4, cc.count());
		assertArrayEquals(new int[] {
			0, 0, 0, 1, 1,
			2, 0, 0, 0, 1,
			2, 0, 3, 0, 0,
			0, 0, 0, 0, 4}, cc.labels());
		assertEquals(List.of(
			new Component(1, 3, new Box(3, 0, 2, 2), 3.0, 1f),
			new Component(2, 2, new Box(0, 1, 1, 2), 2.0, 1f),
			new Component(3, 1, new Box(2, 2, 1, 1), 1.0, 1f),
			new Component(4, 1, new Box(4, 3, 1, 1), 1.0, 1f)), cc.components());
	}

	@Test
	void branchesMergedLaterKeepTheFirstLabel() {
		// Columns 0 and 2 start as separate runs and only join through row 2; they must end as one
		// component labelled 1, and column 4 (first pixel index 4) becomes label 2.
		final ConnectedComponents cc = ConnectedComponents.of(mask(
			1, 0, 1, 0, 1,
			1, 0, 1, 0, 1,
			1, 1, 1, 0, 0), 5, 3);
		assertEquals(2, cc.count());
		assertArrayEquals(new int[] {
			1, 0, 1, 0, 2,
			1, 0, 1, 0, 2,
			1, 1, 1, 0, 0}, cc.labels());
		// U shape: 2 + 2 + 3 = 7 pixels over columns 0..2, rows 0..2.
		assertEquals(new Component(1, 7, new Box(0, 0, 3, 3), 7.0, 1f), cc.component(1));
		assertEquals(new Box(4, 0, 1, 2), cc.component(2).box());
	}

	@Test
	void statisticsComeFromTheValueMap() {
		final byte[] m = mask(
			1, 1, 0,
			0, 0, 0,
			0, 1, 1);
		final float[] values = {
			0.5f, 0.25f, 9f,
			9f, 9f, 9f,
			9f, 1f, 0.75f};
		final ConnectedComponents cc = ConnectedComponents.of(m, values, 3, 3);
		// Component 1: 0.5 + 0.25 = 0.75, max 0.5, mean 0.375. Component 2: 1 + 0.75 = 1.75, max 1.
		assertEquals(new Component(1, 2, new Box(0, 0, 2, 1), 0.75, 0.5f), cc.component(1));
		assertEquals(0.375, cc.component(1).meanValue(), 1e-12);
		assertEquals(new Component(2, 2, new Box(1, 2, 2, 1), 1.75, 1f), cc.component(2));
	}

	@Test
	void booleanMaskAndMaskOfSelectedLabels() {
		final boolean t = true;
		final boolean f = false;
		final ConnectedComponents cc = ConnectedComponents.of(new boolean[] {
			t, f, t,
			f, f, t}, 3, 2);
		assertEquals(2, cc.count());
		assertArrayEquals(mask(
			0, 0, 1,
			0, 0, 1), cc.mask(label -> label == 2));
	}

	@Test
	void emptyAndFullMasks() {
		final ConnectedComponents empty = ConnectedComponents.of(new byte[6], 3, 2);
		assertEquals(0, empty.count());
		assertTrue(empty.components().isEmpty());
		assertArrayEquals(new int[6], empty.labels());

		final ConnectedComponents full = ConnectedComponents.of(mask(1, 1, 1, 1, 1, 1), 3, 2);
		assertEquals(List.of(new Component(1, 6, new Box(0, 0, 3, 2), 6.0, 1f)), full.components());
	}

	@Test
	void thresholdedMapUsesInclusiveCutAndSkipsZeros() {
		// Cut 0.5: 0.5 is kept (>=), 0.49 is not; at cut 0 the zero pixel still separates the two sides.
		final float[] map = {0.5f, 0.49f, 0f, 0.7f};
		assertEquals(List.of(new Component(1, 1, new Box(0, 0, 1, 1), 0.5, 0.5f),
			new Component(2, 1, new Box(3, 0, 1, 1), 0.7f, 0.7f)),
			ConnectedComponents.ofThreshold("m", map, 4, 1, 0.5f).components());
		assertEquals(2, ConnectedComponents.ofThreshold("m", map, 4, 1, 0f).count());
	}

	@Test
	void sizeMismatchAndBadLabelAreRejected() {
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> ConnectedComponents.of(new byte[5], 3, 2));
		assertTrue(e.getMessage().contains("5 values but 3x2 needs 6"), e.getMessage());
		assertThrows(ZoomCamException.class, () -> ConnectedComponents.of(new byte[0], 0, 0));
		assertThrows(ZoomCamException.class, () -> ConnectedComponents.of(new byte[4], 2, 2).component(1));
	}
}
