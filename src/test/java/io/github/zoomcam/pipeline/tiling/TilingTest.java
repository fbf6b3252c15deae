package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When an image is tiled, and with what tiles. */
class TilingTest {

	@Test
	void autoTilesOnlyImagesLargerThanTheModelInputAtTheScale() {
		final Tiling auto = Tiling.DEFAULT;
		assertNull(auto.plan(128, 128, 128, 128), "one tile's worth: resized as without tiling");
		assertNull(auto.plan(100, 60, 128, 128), "smaller than the input: resized as without tiling");
		final TileGrid wide = auto.plan(129, 100, 128, 128);
		assertEquals(2, wide.columns().count());
		assertEquals(1, wide.rows().count(), "the short axis gets one tile with a mirrored border");
		assertEquals(100, wide.tile(0).validHeight());
		final TileGrid big = auto.plan(2048, 2048, 128, 128);
		assertEquals(1.0, big.scale());
		assertEquals(128, big.tileWidth());
		// 2048 px: (2048 - 128) / 96 = 20 steps, 21 tiles per axis
		assertEquals(21 * 21, big.count());
	}

	@Test
	void scaleAndSizeSetTheTileInImagePixels() {
		final Tiling half = Tiling.parse("auto", "0.25", "2");
		assertNull(half.plan(256, 256, 128, 128), "at scale 2 a tile covers 256 px");
		final TileGrid grid = half.plan(600, 300, 128, 128);
		assertEquals(256, grid.tileWidth());
		assertEquals(2.0, grid.scale());
		final Tiling sized = Tiling.parse("192", "0.25", "1");
		final TileGrid fixed = sized.plan(600, 600, 128, 64);
		assertEquals(192, fixed.tileWidth());
		assertEquals(96, fixed.tileHeight(), "the model's aspect");
		assertEquals(1.5, fixed.scale());
		assertNull(Tiling.parse("none", "0.25", "1").plan(20000, 20000, 128, 128));
	}

	@Test
	void badValuesAreRefusedWithOneLine() {
		for (final String[] bad : new String[][] { { "tiles", "0.25", "1" }, { "auto", "0.6", "1" }, { "auto", "x",
			"1" }, { "auto", "0.25", "0" }, { "1", "0.25", "1" }, { "256", "0.25", "2" } })
		{
			final ZoomCamException e = assertThrows(ZoomCamException.class, () -> Tiling.parse(bad[0], bad[1], bad[2]));
			assertTrue(!e.getMessage().contains("\n"), e.getMessage());
		}
	}

	@Test
	void scaleAutoIsTheRatioOfThePixelSizesOrOne() {
		final Tiling auto = Tiling.parse("auto", "0.25", "auto");
		assertEquals(2.0, auto.scaleFor(0.325, 0.65), 1e-12);
		assertEquals(0.5, auto.scaleFor(1.3, 0.65), 1e-12);
		assertEquals(1.0, auto.scaleFor(Double.NaN, 0.65), "an uncalibrated image");
		assertEquals(1.0, auto.scaleFor(0.325, Double.NaN), "a bundle that declares no pixel size");
		assertEquals(3.0, Tiling.parse("auto", "0.25", "3").scaleFor(0.325, 0.65), "a scale given wins");
		assertEquals("auto", auto.scaleText());
		final ij.measure.Calibration c = new ij.measure.Calibration();
		assertTrue(Double.isNaN(Tiling.micrometres(c)), "pixels");
		c.pixelWidth = 325;
		c.pixelHeight = 325;
		c.setUnit("nm");
		assertEquals(0.325, Tiling.micrometres(c), 1e-12);
		c.setUnit("\u00b5m");
		assertEquals(325, Tiling.micrometres(c), 1e-9);
		c.setUnit("inch");
		assertTrue(Double.isNaN(Tiling.micrometres(c)), "a unit not known");
		// 2 image pixels per model pixel: 48-pixel input -> 96-pixel tiles
		assertEquals(96, auto.plan(300, 200, 48, 48, auto.scaleFor(0.5, 1.0)).tileWidth());
	}
}
