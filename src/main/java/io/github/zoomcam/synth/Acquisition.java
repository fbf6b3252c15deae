package io.github.zoomcam.synth;

import java.util.Arrays;

/**
 * Turns noise-free emission into camera pixels: background autofluorescence, uneven illumination, the optical
 * blur (a Gaussian point spread function), photon shot noise, read noise, the camera offset and quantisation.
 * The random draws do not depend on the bit depth, so an 8-bit and a 16-bit image of the same seed show the same
 * noise, only quantised differently.
 */
final class Acquisition {

	private Acquisition() {}

	/** The per-image imaging conditions, drawn from the optics stream. */
	private record Conditions(double psfSigma, double peakPhotons, double readNoisePhotons, double offset,
		double signalScale, float[] illumination, float[] autofluorescence, double[] autofluorescenceTint)
	{}

	static int[][] acquire(final float[][] emission, final int width, final int height, final int bitDepth,
		final SeededRandom optics, final SeededRandom noise)
	{
		final Conditions conditions = conditions(optics, width, height);
		final int maxValue = (1 << bitDepth) - 1;
		final int channels = emission.length;
		final int[][] pixels = new int[channels][width * height];
		final float[] signal = new float[width * height];
		final float[] scratch = new float[width * height];
		for (int c = 0; c < channels; c++) {
			final double backgroundTint = channels == 1 ? 1 : conditions.autofluorescenceTint()[c];
			for (int p = 0; p < signal.length; p++) {
				signal[p] = (float) ((emission[c][p] + conditions.autofluorescence()[p] * backgroundTint) * conditions
					.illumination()[p]);
			}
			gaussianBlur(signal, scratch, width, height, conditions.psfSigma());
			final double photonsPerUnit = conditions.peakPhotons();
			final double valuePerPhoton = conditions.signalScale() / photonsPerUnit * maxValue;
			final double offsetValue = conditions.offset() * maxValue;
			final int[] out = pixels[c];
			for (int p = 0; p < signal.length; p++) {
				final double photons = noise.poisson(signal[p] * photonsPerUnit) + conditions.readNoisePhotons() * noise
					.gaussian();
				final double value = Math.floor(offsetValue + photons * valuePerPhoton + 0.5);
				out[p] = (int) Math.max(0, Math.min(maxValue, value));
			}
		}
		return pixels;
	}

	private static Conditions conditions(final SeededRandom random, final int width, final int height) {
		final double psfSigma = random.uniform(0.6, 1.5);
		// From dim, grainy images (about 30 photons at full brightness) to clean ones.
		final double peakPhotons = random.logUniform(30, 500);
		final double readNoisePhotons = random.uniform(0.5, 3);
		final double offset = random.uniform(0.02, 0.10);
		final double signalScale = random.uniform(0.75, 1.05);
		final float[] illumination = illumination(random, width, height);
		final float[] autofluorescence = autofluorescence(random, width, height);
		final double[] tint = {random.uniform(0.7, 1), random.uniform(0.7, 1), random.uniform(0.7, 1)};
		return new Conditions(psfSigma, peakPhotons, readNoisePhotons, offset, signalScale, illumination,
			autofluorescence, tint);
	}

	/** Vignetting around an off-centre optical axis times a linear gradient across the field. */
	private static float[] illumination(final SeededRandom random, final int width, final int height) {
		final double vignetting = random.uniform(0, 0.4);
		final double axisX = width * random.uniform(0.3, 0.7);
		final double axisY = height * random.uniform(0.3, 0.7);
		final double gradient = random.uniform(0, 0.3);
		final double direction = random.angle();
		final double halfDiagonal = Math.sqrt(width * width + height * height) / 2;
		final double gx = gradient * StrictMath.cos(direction) / halfDiagonal;
		final double gy = gradient * StrictMath.sin(direction) / halfDiagonal;
		final float[] field = new float[width * height];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				final double dx = (x - axisX) / halfDiagonal;
				final double dy = (y - axisY) / halfDiagonal;
				final double value = (1 - vignetting * (dx * dx + dy * dy)) * (1 + gx * (x - width / 2.0) + gy * (y -
					height / 2.0));
				field[y * width + x] = (float) Math.max(0.2, value);
			}
		}
		return field;
	}

	/**
	 * A faint, smoothly varying background: two long plane waves around a base level. Each wave is split into
	 * row and column factors (cos(a + b) = cos a cos b - sin a sin b) to keep trigonometry off the pixel loop.
	 */
	private static float[] autofluorescence(final SeededRandom random, final int width, final int height) {
		final double level = random.uniform(0.01, 0.06);
		final float[] field = new float[width * height];
		Arrays.fill(field, (float) level);
		for (int wave = 0; wave < 2; wave++) {
			final double amplitude = level * random.uniform(0, 0.3);
			final double wavelength = random.uniform(1, 3) * Math.max(width, height);
			final double direction = random.angle();
			final double fx = 2 * Math.PI / wavelength * StrictMath.cos(direction);
			final double fy = 2 * Math.PI / wavelength * StrictMath.sin(direction);
			final double phase = random.angle();
			final double[] cosX = new double[width];
			final double[] sinX = new double[width];
			for (int x = 0; x < width; x++) {
				cosX[x] = StrictMath.cos(fx * x);
				sinX[x] = StrictMath.sin(fx * x);
			}
			for (int y = 0; y < height; y++) {
				final double cosY = StrictMath.cos(fy * y + phase);
				final double sinY = StrictMath.sin(fy * y + phase);
				for (int x = 0; x < width; x++) {
					field[y * width + x] += (float) (amplitude * (cosX[x] * cosY - sinX[x] * sinY));
				}
			}
		}
		return field;
	}

	/** Separable, edges extended by repeating the border pixel. */
	static void gaussianBlur(final float[] image, final float[] scratch, final int width, final int height,
		final double sigma)
	{
		final int radius = (int) Math.ceil(3 * sigma);
		final double[] kernel = new double[2 * radius + 1];
		double sum = 0;
		for (int i = -radius; i <= radius; i++) {
			kernel[i + radius] = StrictMath.exp(-i * i / (2 * sigma * sigma));
			sum += kernel[i + radius];
		}
		for (int i = 0; i < kernel.length; i++) kernel[i] /= sum;
		for (int y = 0; y < height; y++) {
			final int row = y * width;
			for (int x = 0; x < width; x++) {
				double acc = 0;
				for (int k = -radius; k <= radius; k++) {
					final int xx = Math.max(0, Math.min(width - 1, x + k));
					acc += kernel[k + radius] * image[row + xx];
				}
				scratch[row + x] = (float) acc;
			}
		}
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				double acc = 0;
				for (int k = -radius; k <= radius; k++) {
					final int yy = Math.max(0, Math.min(height - 1, y + k));
					acc += kernel[k + radius] * scratch[yy * width + x];
				}
				image[y * width + x] = (float) acc;
			}
		}
	}
}
