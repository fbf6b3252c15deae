package io.github.zoomcam.pipeline.tiling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tile placement and blending weights along one axis, worked out by hand. */
class TileAxisTest {

	private static int[] starts(final TileAxis axis) {
		final int[] s = new int[axis.count()];
		for (int i = 0; i < s.length; i++) s[i] = axis.start(i);
		return s;
	}

	@Test
	void aMultipleOfTheStepGivesEvenlySpacedTilesEndingAtTheBorder() {
		// 512 px, tiles of 128 overlapping by 32: step 96, (512 - 128) / 96 = 4 steps, 5 tiles
		final TileAxis axis = TileAxis.of(512, 128, 32);
		assertArrayEquals(new int[] { 0, 96, 192, 288, 384 }, starts(axis));
		for (int i = 0; i < axis.count(); i++) assertEquals(128, axis.validLength(i));
	}

	@Test
	void aNonMultipleSizeSpreadsTheTilesEvenlyWithAtLeastTheAskedOverlap() {
		// 300 px: (300 - 128) / 96 = 1.8 -> 2 steps, 3 tiles; the 172 px are split 86 + 86, overlaps 42 >= 32
		assertArrayEquals(new int[] { 0, 86, 172 }, starts(TileAxis.of(300, 128, 32)));
		// 1000 px: 872 / 96 = 9.1 -> 10 steps of 87.2, rounded: 0, 87, 174, 262, 349, 436, ...
		final TileAxis axis = TileAxis.of(1000, 128, 32);
		assertEquals(11, axis.count());
		assertArrayEquals(new int[] { 0, 87, 174, 262, 349, 436, 523, 610, 698, 785, 872 }, starts(axis));
		for (int i = 1; i < axis.count(); i++) {
			assertTrue(axis.start(i - 1) + 128 - axis.start(i) >= 32, "overlap of tiles " + (i - 1) + " and " + i);
		}
		assertEquals(1000, axis.start(axis.count() - 1) + 128, "the last tile ends at the image border");
	}

	@Test
	void anImageShorterThanATileGetsOneTileWhosePartBeyondTheImageWeighsNothing() {
		final TileAxis axis = TileAxis.of(100, 128, 32);
		assertArrayEquals(new int[] { 0 }, starts(axis));
		assertEquals(100, axis.validLength(0));
		for (int u = 0; u < 100; u++) assertEquals(1f, axis.weight(0, u));
		for (int u = 100; u < 128; u++) assertEquals(0f, axis.weight(0, u));
		// exactly one tile long: one tile, no mirrored part
		assertArrayEquals(new int[] { 0 }, starts(TileAxis.of(128, 128, 32)));
		assertEquals(128, TileAxis.of(128, 128, 32).validLength(0));
	}

	@Test
	void noOverlapGivesAdjacentTilesOfWeightOne() {
		final TileAxis axis = TileAxis.of(256, 128, 0);
		assertArrayEquals(new int[] { 0, 128 }, starts(axis));
		for (int i = 0; i < 2; i++) {
			for (int u = 0; u < 128; u++) assertEquals(1f, axis.weight(i, u));
		}
	}

	@Test
	void theWeightsCrossFadeAsSineSquaredAndAddUpToOne() {
		// tiles at 0 and 96 overlap on [96, 128): a 32 px cross-fade
		final TileAxis axis = TileAxis.of(224, 128, 32);
		assertArrayEquals(new int[] { 0, 96 }, starts(axis));
		// outside the overlap each tile has weight 1; the image borders are not faded
		assertEquals(1f, axis.weight(0, 0));
		assertEquals(1f, axis.weight(0, 95));
		assertEquals(1f, axis.weight(1, 127));
		// first overlap pixel (x = 96): the new tile rises as sin²(π/2 · 0.5/32) = 0.000602
		assertEquals(0.000602, axis.weight(1, 0), 1e-6);
		assertEquals(1 - 0.000602, axis.weight(0, 96), 1e-6);
		// the middle of the overlap (x = 111.5) lies between pixels 111 and 112: sin²(π/2 · 15.5/32) = 0.475466
		assertEquals(0.475466, axis.weight(1, 15), 1e-6);
		assertEquals(0.524534, axis.weight(1, 16), 1e-6);
	}

	@Test
	void atEveryPixelTheWeightsOfAllTilesAddUpToOne() {
		final int[][] cases = { { 512, 128, 32 }, { 300, 128, 32 }, { 1000, 128, 16 }, { 130, 128, 32 }, { 129, 128,
			0 }, { 700, 64, 32 }, { 57, 48, 12 }, { 5, 3, 1 }, { 1, 1, 0 } };
		for (final int[] c : cases) {
			final TileAxis axis = TileAxis.of(c[0], c[1], c[2]);
			final double[] sum = new double[c[0]];
			for (int i = 0; i < axis.count(); i++) {
				for (int u = 0; u < c[1]; u++) {
					final int x = axis.start(i) + u;
					if (x < c[0]) sum[x] += axis.weight(i, u);
					else assertEquals(0f, axis.weight(i, u), "beyond the image");
				}
			}
			for (int x = 0; x < c[0]; x++) assertEquals(1, sum[x], 1e-6, java.util.Arrays.toString(c) + " at " + x);
		}
	}

	@Test
	void badSizesAreRefused() {
		assertThrows(IllegalArgumentException.class, () -> TileAxis.of(0, 128, 0));
		assertThrows(IllegalArgumentException.class, () -> TileAxis.of(100, 128, 65), "overlap above half a tile");
		assertThrows(IllegalArgumentException.class, () -> TileAxis.of(100, 128, -1));
	}
}
