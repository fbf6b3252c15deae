package io.github.zoomcam.pipeline;

import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * A plane shrunk by a whole factor, each output pixel the mean of its factor x factor block (fewer at the
 * right and bottom edges), read in one pass without a copy of the plane. ImageJ's averaging resize first
 * converts the whole plane to float, which for a preview of a 16384x16384 image is a 1 GB copy.
 */
final class BlockAverage {

	private BlockAverage() {}

	/** A FloatProcessor for grey planes, a ColorProcessor (each channel averaged) for RGB. */
	static ImageProcessor of(final ImageProcessor source, final int factor) {
		final int w = source.getWidth();
		final int h = source.getHeight();
		final int sw = (w + factor - 1) / factor;
		final int sh = (h + factor - 1) / factor;
		final boolean rgb = source instanceof ColorProcessor;
		final int channels = rgb ? 3 : 1;
		final double[][] sums = new double[channels][sw * sh];
		final int[] counts = new int[sw * sh];
		final int[] argb = rgb ? (int[]) source.getPixels() : null;
		for (int y = 0; y < h; y++) {
			final int row = (y / factor) * sw;
			for (int x = 0; x < w; x++) {
				final int o = row + x / factor;
				counts[o]++;
				if (rgb) {
					final int c = argb[y * w + x];
					sums[0][o] += (c >> 16) & 0xff;
					sums[1][o] += (c >> 8) & 0xff;
					sums[2][o] += c & 0xff;
				}
				else {
					sums[0][o] += source.getf(y * w + x);
				}
			}
		}
		if (!rgb) {
			final float[] mean = new float[sw * sh];
			for (int i = 0; i < mean.length; i++) mean[i] = (float) (sums[0][i] / counts[i]);
			return new FloatProcessor(sw, sh, mean);
		}
		final int[] mean = new int[sw * sh];
		for (int i = 0; i < mean.length; i++) {
			final int r = (int) Math.round(sums[0][i] / counts[i]);
			final int g = (int) Math.round(sums[1][i] / counts[i]);
			final int b = (int) Math.round(sums[2][i] / counts[i]);
			mean[i] = 0xff000000 | r << 16 | g << 8 | b;
		}
		return new ColorProcessor(sw, sh, mean);
	}
}
