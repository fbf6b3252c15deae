package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.FloatMap;
import net.imglib2.img.Img;
import net.imglib2.img.cell.CellImgFactory;
import net.imglib2.type.numeric.real.FloatType;

import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stitching hand-made tile maps: what is the same in every tile must come back unchanged, with no seams. */
class MapStitcherTest {

	/** Each tile's map: the function at the tile's image pixels, and a wild value beyond the image. */
	private static FloatMap tileMap(final Tile tile, final int imageWidth, final int imageHeight,
		final BiFunction<Integer, Integer, Float> f)
	{
		final float[] values = new float[tile.width() * tile.height()];
		for (int v = 0; v < tile.height(); v++) {
			for (int u = 0; u < tile.width(); u++) {
				final int x = tile.x() + u;
				final int y = tile.y() + v;
				// the mirrored border outside the image must not leak into the stitched map
				values[v * tile.width() + u] = x < imageWidth && y < imageHeight ? f.apply(x, y) : 1e6f;
			}
		}
		return FloatMap.of(tile.width(), tile.height(), values);
	}

	private static FloatMap stitch(final TileGrid grid, final BiFunction<Integer, Integer, Float> f) {
		final MapStitcher stitcher = new MapStitcher(grid);
		for (final Tile tile : grid.tiles()) stitcher.add(tile, tileMap(tile, grid.imageWidth(), grid.imageHeight(), f));
		return stitcher.toFloatMap();
	}

	private static TileGrid grid(final int w, final int h, final int tile, final int overlap) {
		return new TileGrid(TileAxis.of(w, tile, overlap), TileAxis.of(h, tile, overlap), 1);
	}

	@Test
	void aConstantMapComesBackUnchanged() {
		for (final TileGrid grid : new TileGrid[] { grid(300, 200, 128, 32), grid(256, 256, 128, 0), grid(1000, 90, 128,
			40), grid(57, 41, 48, 12) })
		{
			final FloatMap map = stitch(grid, (x, y) -> 0.7f);
			for (int y = 0; y < map.height(); y++) {
				for (int x = 0; x < map.width(); x++) assertEquals(0.7f, map.get(x, y), 1e-6, x + "," + y);
			}
		}
	}

	@Test
	void aLinearRampComesBackUnchanged() {
		final TileGrid grid = grid(300, 250, 128, 32);
		final BiFunction<Integer, Integer, Float> ramp = (x, y) -> 0.001f * x + 0.002f * y + 0.1f;
		final FloatMap map = stitch(grid, ramp);
		assertEquals(300, map.width());
		assertEquals(250, map.height());
		for (int y = 0; y < 250; y++) {
			for (int x = 0; x < 300; x++) assertEquals(ramp.apply(x, y), map.get(x, y), 2e-6, x + "," + y);
		}
	}

	@Test
	void tilesThatDisagreeAreCrossFadedWithoutASeam() {
		// Every tile holds its own constant (its column 0, 1, 2): a seam would be a jump of 1 between pixels.
		final TileGrid grid = grid(300, 128, 128, 32);
		final MapStitcher stitcher = new MapStitcher(grid);
		for (final Tile tile : grid.tiles()) {
			final float[] v = new float[128 * 128];
			java.util.Arrays.fill(v, tile.column());
			stitcher.add(tile, FloatMap.of(128, 128, v));
		}
		final FloatMap map = stitcher.toFloatMap();
		assertEquals(0f, map.get(0, 60), 1e-6);
		assertEquals(2f, map.get(299, 60), 1e-6);
		// the steepest step of a 42 px sin² cross-fade is about π/2 / 42 = 0.037 per pixel
		double steepest = 0;
		for (int x = 1; x < 300; x++) steepest = Math.max(steepest, Math.abs(map.get(x, 60) - map.get(x - 1, 60)));
		assertTrue(steepest < 0.04, "steepest step " + steepest);
		assertTrue(steepest > 0.03, "the tiles do differ: " + steepest);
	}

	@Test
	void aCellImageGivesTheSameMapAsAnArrayImage() {
		final TileGrid grid = grid(300, 200, 128, 32);
		final BiFunction<Integer, Integer, Float> f = (x, y) -> (float) Math.sin(x * 0.05) * (y % 7);
		final Img<FloatType> cells = new CellImgFactory<>(new FloatType(), 37).create(300, 200);
		final MapStitcher stitcher = new MapStitcher(grid, cells);
		for (final Tile tile : grid.tiles()) stitcher.add(tile, tileMap(tile, 300, 200, f));
		final FloatMap array = stitch(grid, f);
		final var access = cells.randomAccess();
		for (int y = 0; y < 200; y++) {
			for (int x = 0; x < 300; x++) {
				access.setPosition(new long[] { x, y });
				assertEquals(array.get(x, y), access.get().get(), 1e-6);
			}
		}
	}
}
