package io.github.zoomcam.pipeline.tiling;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import io.github.zoomcam.engine.ImageInput;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Tiles cut from views of ImageJ pixels: the right pixels, a mirrored border, no copy of the whole. */
class TileSourceTest {

	private static Tile tile(final int x, final int y, final int w, final int h, final int imageW, final int imageH) {
		return new Tile(0, 0, 0, x, y, w, h, Math.min(w, imageW - x), Math.min(h, imageH - y));
	}

	@Test
	void anInteriorTileHoldsThePixelsAndAShortImageIsMirroredAtItsEnd() {
		// 5 x 3, 8-bit, pixel = 10 * y + x
		final byte[] px = new byte[15];
		for (int i = 0; i < 15; i++) px[i] = (byte) (10 * (i / 5) + i % 5);
		final TileSource source = TileSource.of(new ImagePlus("b", new ByteProcessor(5, 3, px)), "b", 1, 1);
		final ImageInput inside = source.tile(tile(1, 1, 3, 2, 5, 3));
		assertArrayEquals(new float[] { 11, 12, 13, 21, 22, 23 }, inside.planes()[0]);
		assertEquals(8, inside.bitDepth());
		assertNull(inside.valueRange(), "8-bit images use the bundle's fixed range");
		// rows 3 and 4 do not exist: edge pixels repeated mirror-wise (row 3 = row 2, row 4 = row 1)
		final ImageInput beyond = source.tile(tile(3, 0, 2, 5, 5, 3));
		assertArrayEquals(new float[] { 3, 4, 13, 14, 23, 24, 23, 24, 13, 14 }, beyond.planes()[0]);
	}

	@Test
	void sixteenBitValuesAreUnsignedAndThirtyTwoBitTilesCarryTheWholeImagesRange() {
		final short[] s = { (short) 65535, 1000, 2, 3 };
		final ImageInput u16 = TileSource.of(new ImagePlus("s", new ShortProcessor(2, 2, s, null)), "s", 1, 1).tile(tile(0,
			0, 1, 1, 2, 2));
		assertEquals(65535f, u16.planes()[0][0]);
		final float[] f = { -3, 0.5f, 7, 2 };
		final ImageInput f32 = TileSource.of(new ImagePlus("f", new FloatProcessor(2, 2, f)), "f", 1, 1).tile(tile(1,
			1, 1, 1, 2, 2));
		assertArrayEquals(new float[] { 2 }, f32.planes()[0]);
		assertEquals(new ImageInput.ValueRange(-3, 7), f32.valueRange(), "a tile is scaled by the image's min-max");
	}

	@Test
	void rgbGivesRedGreenBluePlanes() {
		final int[] rgb = { 0x102030, 0x405060 };
		final ImageInput in = TileSource.of(new ImagePlus("c", new ColorProcessor(2, 1, rgb)), "c", 1, 1).tile(tile(0,
			0, 2, 1, 2, 1));
		assertEquals(3, in.channels());
		assertArrayEquals(new float[] { 0x10, 0x40 }, in.planes()[0]);
		assertArrayEquals(new float[] { 0x20, 0x50 }, in.planes()[1]);
		assertArrayEquals(new float[] { 0x30, 0x60 }, in.planes()[2]);
	}

	@Test
	void theImagesPixelsAreWrappedNotCopied() {
		final byte[] px = new byte[4];
		final ByteProcessor bp = new ByteProcessor(2, 2, px);
		final TileSource source = TileSource.of(new ImagePlus("w", bp), "w", 1, 1);
		px[3] = 99; // changed after the source was made: a copy would not see it
		assertSame(px, bp.getPixels());
		assertEquals(99f, source.tile(tile(1, 1, 1, 1, 2, 2)).planes()[0][0]);
	}
}
