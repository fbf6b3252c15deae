package io.github.zoomcam.engine.train;

import io.github.zoomcam.engine.Preprocessing.ValueRange;

/**
 * The network input a training run feeds: channels, size, and how each bit depth's values map to [0, 1].
 * From the data for a new network, from zoomcam.json when training continues.
 *
 * @param channels 1 or 3
 * @param height input height
 * @param width input width
 * @param range8 8-bit (and RGB) value range
 * @param range16 16-bit value range
 * @param range32 32-bit value range
 */
public record InputFormat(int channels, int height, int width, ValueRange range8, ValueRange range16,
	ValueRange range32)
{

	public ValueRange rangeFor(final int bitDepth) {
		return switch (bitDepth) {
			case 16 -> range16;
			case 32 -> range32;
			default -> range8;
		};
	}
}
