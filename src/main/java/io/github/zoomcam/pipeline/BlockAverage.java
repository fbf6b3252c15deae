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
		final int[] argb = rgb ? (int[]) source.getPixels() : null;
		final float[] grey = rgb ? null : new float[sw * sh];
		final int[] colour = rgb ? new int[sw * sh] : null;
		// One output row at a time: the sums of one band of factor source rows.
		final double[][] sums = new double[rgb ? 3 : 1][sw];
		final int[] counts = new int[sw];
		for (int oy = 0; oy < sh; oy++) {
			for (final double[] s : sums) java.util.Arrays.fill(s, 0);
			java.util.Arrays.fill(counts, 0);
			for (int y = oy * factor; y < Math.min(h, (oy + 1) * factor); y++) {
				for (int x = 0; x < w; x++) {
					final int o = x / factor;
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
			for (int ox = 0; ox < sw; ox++) {
				final int i = oy * sw + ox;
				if (!rgb) {
					grey[i] = (float) (sums[0][ox] / counts[ox]);
					continue;
				}
				final int r = (int) Math.round(sums[0][ox] / counts[ox]);
				final int g = (int) Math.round(sums[1][ox] / counts[ox]);
				final int b = (int) Math.round(sums[2][ox] / counts[ox]);
				colour[i] = 0xff000000 | r << 16 | g << 8 | b;
			}
		}
		return rgb ? new ColorProcessor(sw, sh, colour) : new FloatProcessor(sw, sh, grey);
	}
}
