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
 */
public record ImageInput(String name, int width, int height, int bitDepth, float[][] planes) {

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
