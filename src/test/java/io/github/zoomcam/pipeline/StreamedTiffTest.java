package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.Calibration;
import io.github.zoomcam.core.FloatMap;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * TIFFs written a band of rows at a time open in ImageJ with the pixels, type and calibration given; float
 * maps written raw or as ImageJ TIFFs read back by rows and rectangles as they were.
 */
class StreamedTiffTest {

	@TempDir
	Path tmp;

	/** More rows than one band, so the bands' seams are crossed. */
	private static final int W = 37;
	private static final int H = StreamedTiff.ROWS_PER_BAND + 45;

	private static Calibration calibration() {
		final Calibration c = new Calibration();
		c.pixelWidth = 0.5;
		c.pixelHeight = 0.5;
		c.setUnit("micron");
		return c;
	}

	@Test
	void eightSixteenAndFloatImagesOpenWithTheirPixels() {
		final byte[] bytes = new byte[W * H];
		final short[] shorts = new short[W * H];
		final float[] floats = new float[W * H];
		for (int i = 0; i < W * H; i++) {
			bytes[i] = (byte) (i * 7);
			shorts[i] = (short) (i * 13);
			floats[i] = 70000.5f + i; // beyond 16 bits, as instance ids of a large image
		}
		final Path b = tmp.resolve("b.tif");
		final Path s = tmp.resolve("s.tif");
		final Path f = tmp.resolve("f.tif");
		StreamedTiff.write8(b, W, H, calibration(), (y, n, band) -> System.arraycopy(bytes, y * W, band, 0, n * W));
		StreamedTiff.write16(s, W, H, calibration(), 65535, (y, n, band) -> System.arraycopy(shorts, y * W, band, 0, n *
			W));
		StreamedTiff.write32(f, W, H, null, 80000, (y, n, band) -> System.arraycopy(floats, y * W, band, 0, n * W));
		final ImagePlus b8 = IJ.openImage(b.toString());
		assertEquals(8, b8.getBitDepth());
		assertArrayEquals(bytes, (byte[]) b8.getProcessor().getPixels());
		assertEquals(0.5, b8.getCalibration().pixelWidth, 1e-9);
		assertEquals("micron", b8.getCalibration().getUnit());
		final ImagePlus s16 = IJ.openImage(s.toString());
		assertEquals(16, s16.getBitDepth());
		assertArrayEquals(shorts, (short[]) s16.getProcessor().getPixels());
		final ImagePlus f32 = IJ.openImage(f.toString());
		assertEquals(32, f32.getBitDepth());
		assertArrayEquals(floats, (float[]) f32.getProcessor().getPixels());
	}

	@Test
	void mapFilesGiveBackRowsAndRectangles() {
		final float[] values = new float[W * H];
		for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i * 0.01) * i;
		final FloatMap map = FloatMap.of(W, H, values);
		final Path tiff = tmp.resolve("heatmaps.tif");
		HeatmapImages.writeTiff(new ImagePlus("map", ImageConversion.toProcessor(map)), tiff);
		for (final FloatMapFile file : new FloatMapFile[] { FloatMapFile.ofTiff(tiff, W, H), FloatMapFile.writeRaw(tmp
			.resolve("map.raw"), map) })
		{
			final float[] rows = new float[3 * W];
			file.read(100, 3, rows);
			for (int i = 0; i < rows.length; i++) assertEquals(values[100 * W + i], rows[i]);
			final float[] rect = new float[5 * 4];
			file.readRect(30, 290, 5, 4, rect);
			for (int y = 0; y < 4; y++) {
				for (int x = 0; x < 5; x++) assertEquals(values[(290 + y) * W + 30 + x], rect[y * 5 + x]);
			}
		}
	}
}
