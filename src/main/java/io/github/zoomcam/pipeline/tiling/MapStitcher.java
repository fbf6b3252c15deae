package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.core.ZoomCamException;
import net.imglib2.FinalInterval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ArrayDataAccess;
import net.imglib2.img.cell.CellImgFactory;
import net.imglib2.loops.LoopBuilder;
import net.imglib2.position.FunctionRandomAccessible;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * Stitches tile maps into one map at the image's full size: each tile's map, times its blending weight
 * (the product of its column and row weights of the {@link TileGrid}), is added into an ImgLib2 image.
 * Since the weights of all tiles add up to 1 at every pixel, the finished sum is the blended map itself; no
 * weight image and no final division are needed.
 *
 * <p>The map lives in an {@link ArrayImg} (one Java array, handed to {@link FloatMap} and ImageJ without a
 * copy) up to the largest Java array, in a cell image beyond.</p>
 */
public final class MapStitcher {

	/** The largest array ImgLib2's ArrayImg and the JVM allow. */
	public static final long MAX_ARRAY_PIXELS = Integer.MAX_VALUE - 8;

	private final TileGrid grid;
	private final Img<FloatType> map;

	public MapStitcher(final TileGrid grid) {
		this(grid, newMap(grid.imageWidth(), grid.imageHeight()));
	}

	/** Stitches into the given image (of the grid's image size), e.g. a cell image. */
	public MapStitcher(final TileGrid grid, final Img<FloatType> into) {
		if (into.dimension(0) != grid.imageWidth() || into.dimension(1) != grid.imageHeight()) {
			throw new IllegalArgumentException("map of " + into.dimension(0) + "x" + into.dimension(1) + " for an image " +
				"of " + grid.imageWidth() + "x" + grid.imageHeight());
		}
		this.grid = grid;
		this.map = into;
	}

	/** A zero map of this size: an ArrayImg where one Java array holds it, a cell image beyond. */
	static Img<FloatType> newMap(final int width, final int height) {
		if ((long) width * height <= MAX_ARRAY_PIXELS) return ArrayImgs.floats(width, height);
		return new CellImgFactory<>(new FloatType(), 1024).create(width, height);
	}

	/**
	 * Adds one tile's map, weighted; only the part inside the image is used.
	 *
	 * @param tileMap the tile's map, tile width x tile height
	 */
	public void add(final Tile tile, final FloatMap tileMap) {
		if (tileMap.width() != tile.width() || tileMap.height() != tile.height()) {
			throw new IllegalArgumentException("map " + tileMap + " for a tile of " + tile.width() + "x" + tile
				.height());
		}
		final FinalInterval inside = new FinalInterval(new long[] { 0, 0 }, new long[] { tile.validWidth() - 1, tile
			.validHeight() - 1 });
		// Only read: the tile map's own values, not a copy.
		final RandomAccessibleInterval<FloatType> values = Views.interval(ArrayImgs.floats(tileMap.sharedValues(), tile
			.width(), tile.height()), inside);
		final TileAxis columns = grid.columns();
		final TileAxis rows = grid.rows();
		final int column = tile.column();
		final int row = tile.row();
		final RandomAccessibleInterval<FloatType> weights = Views.interval(new FunctionRandomAccessible<>(2, (position,
			weight) -> weight.set(columns.weight(column, position.getIntPosition(0)) * rows.weight(row, position
				.getIntPosition(1))), FloatType::new), inside);
		final RandomAccessibleInterval<FloatType> target = Views.zeroMin(Views.interval(map, new FinalInterval(
			new long[] { tile.x(), tile.y() }, new long[] { tile.x() + tile.validWidth() - 1, tile.y() + tile
				.validHeight() - 1 })));
		LoopBuilder.setImages(target, values, weights).forEachPixel((sum, value, weight) -> sum.set(sum.get() +
			value.get() * weight.get()));
	}

	/** Sets the map back to zero, so that the next map can be stitched into the same memory. */
	public void clear() {
		for (final FloatType v : map) v.setZero();
	}

	/** The stitched map as an ImgLib2 image (still being added to until every tile is in). */
	public Img<FloatType> image() {
		return map;
	}

	/**
	 * The finished map as a {@link FloatMap} sharing the ArrayImg's array (no copy); the stitcher must not
	 * be added to afterwards.
	 */
	public FloatMap toFloatMap() {
		if (!(map instanceof ArrayImg<?, ?> array) || !(array.update(null) instanceof ArrayDataAccess<?> access)) {
			throw new ZoomCamException("a map of " + map.dimension(0) + "x" + map.dimension(1) + " pixels is larger than " +
				"one Java array; ImageJ and the result files cannot hold it: crop the image or explain it at a " +
				"larger scale");
		}
		return FloatMap.wrap(grid.imageWidth(), grid.imageHeight(), (float[]) access.getCurrentStorageArray());
	}
}
