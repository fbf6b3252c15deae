package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;

/**
 * Pixels handed to the engine: one float plane per channel (row-major), in R, G, B order for colour.
 *
 * @param name used in results and file names
 * @param width width in pixels
 * @param height height in pixels
 * @param bitDepth 8, 16 or 32 (24 for RGB is treated as 8 bits per channel); selects the value range
 * @param planes one array of width*height values per channel
 * @param valueRange where the bundle maps each image's own minimum and maximum to [0, 1] ("min-max"), this
 *   range is used instead; null for a whole image. A tile of a larger image passes the whole image's range,
 *   so that every tile is scaled alike.
 */
public record ImageInput(String name, int width, int height, int bitDepth, float[][] planes,
	ValueRange valueRange)
{

	/** The minimum and maximum pixel value of the image a part comes from. */
	public record ValueRange(float min, float max) {}

	/** A whole image: "min-max" preprocessing uses its own minimum and maximum. */
	public ImageInput(final String name, final int width, final int height, final int bitDepth,
		final float[][] planes)
	{
		this(name, width, height, bitDepth, planes, null);
	}

	public ImageInput {
		if (width <= 0 || height <= 0) {
			throw new ZoomCamException(name + ": empty image (" + width + "x" + height + ")");
		}
		if (planes.length == 0) throw new ZoomCamException(name + ": the image has no channels");
		for (final float[] p : planes) {
			if (p.length != width * height) {
				throw new IllegalArgumentException(name + ": a plane has " + p.length + " values, expected " +
					width * height);
			}
		}
	}

	public int channels() {
		return planes.length;
	}
}
