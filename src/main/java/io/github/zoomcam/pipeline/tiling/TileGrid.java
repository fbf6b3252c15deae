package io.github.zoomcam.pipeline.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * The tiles of one image: the product of a column and a row {@link TileAxis}, so a tile's blending weight
 * is the product of its column and row weights and, since each axis' weights add up to 1 at every pixel,
 * the weights of all tiles add up to 1 at every image pixel.
 *
 * @param columns the horizontal axis
 * @param rows the vertical axis
 * @param scale image pixels per model input pixel
 */
public record TileGrid(TileAxis columns, TileAxis rows, double scale) {

	public int imageWidth() {
		return columns.imageLength();
	}

	public int imageHeight() {
		return rows.imageLength();
	}

	public int tileWidth() {
		return columns.tileLength();
	}

	public int tileHeight() {
		return rows.tileLength();
	}

	public int count() {
		return columns.count() * rows.count();
	}

	/** Tile {@code index} in row-major order. */
	public Tile tile(final int index) {
		final int column = index % columns.count();
		final int row = index / columns.count();
		return new Tile(index, column, row, columns.start(column), rows.start(row), columns.tileLength(), rows
			.tileLength(), columns.validLength(column), rows.validLength(row));
	}

	public List<Tile> tiles() {
		final List<Tile> all = new ArrayList<>(count());
		for (int i = 0; i < count(); i++) all.add(tile(i));
		return all;
	}

	/** "12x9 tiles of 128x128 px" */
	public String describe() {
		final String at = scale == 1 ? "" : " at " + (scale == Math.rint(scale) ? String.valueOf((long) scale) : String
			.format(java.util.Locale.ROOT, "%.3g", scale)) + " image px per model px";
		return columns.count() + "x" + rows.count() + " tiles of " + tileWidth() + "x" + tileHeight() + " px" + at;
	}
}
