package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;

/**
 * How raw pixels become the network's input: each bit depth's value range is mapped to [0, 1], then
 * (x - mean) / std per channel, then a bilinear resize to the model's input size.
 *
 * @param range8 value range of 8-bit images
 * @param range16 value range of 16-bit images
 * @param range32 value range of 32-bit images
 * @param mean per-channel mean, in the model's channel order
 * @param std per-channel standard deviation, in the model's channel order
 * @param bgr true when the model expects blue, green, red
 */
public record Preprocessing(ValueRange range8, ValueRange range16, ValueRange range32, float[] mean,
	float[] std, boolean bgr)
{

	public Preprocessing {
		mean = mean.clone();
		std = std.clone();
	}

	@Override
	public float[] mean() {
		return mean.clone();
	}

	@Override
	public float[] std() {
		return std.clone();
	}

	public ValueRange rangeFor(final int bitDepth) {
		return switch (bitDepth) {
			case 8, 24 -> range8;
			case 16 -> range16;
			case 32 -> range32;
			default -> throw new ZoomCamException("unsupported bit depth " + bitDepth +
				": convert the image to 8-bit, 16-bit, 32-bit or RGB");
		};
	}

	/**
	 * Either a fixed [low, high] range or "min-max" (each image's own minimum and maximum).
	 */
	public record ValueRange(boolean perImageMinMax, double low, double high) {

		public static ValueRange minMax() {
			return new ValueRange(true, 0, 1);
		}

		public static ValueRange fixed(final double low, final double high) {
			if (!(high > low)) throw new ZoomCamException("value range [" + low + ", " + high +
				"] is empty: the upper bound must exceed the lower bound");
			return new ValueRange(false, low, high);
		}

		@Override
		public String toString() {
			return perImageMinMax ? "min-max" : "[" + number(low) + ", " + number(high) + "]";
		}

		private static String number(final double v) {
			return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
		}
	}
}
