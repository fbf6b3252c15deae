package io.github.zoomcam.pipeline.tiling;

/**
 * One tile of a {@link TileGrid}, in image pixels. A tile never starts outside the image; it reaches past
 * the image only where the image is shorter than a tile (that part is a mirrored border).
 *
 * @param index position in the grid's row-major order
 * @param column tile column
 * @param row tile row
 * @param x first image column of the tile
 * @param y first image row of the tile
 * @param width tile width (the same for every tile)
 * @param height tile height (the same for every tile)
 * @param validWidth columns of the tile inside the image
 * @param validHeight rows of the tile inside the image
 */
public record Tile(int index, int column, int row, int x, int y, int width, int height, int validWidth,
	int validHeight)
{}
