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

	/**
	 * The per-image imaging conditions, drawn from the optics stream.
	 *
	 * @param hazeFraction out-of-focus light: this fraction of the emission, blurred by {@code hazeSigma}, is
	 *        added to the in-focus emission (0 in sparse scenes)
	 */
	private record Conditions(double psfSigma, double peakPhotons, double readNoisePhotons, double offset,
		double signalScale, float[] illumination, float[] autofluorescence, double[] autofluorescenceTint,
		double hazeFraction, double hazeSigma)
	{}

	static int[][] acquire(final float[][] emission, final int width, final int height, final int bitDepth,
		final SeededRandom optics, final SeededRandom noise)
	{
		return acquire(emission, width, height, bitDepth, optics, noise, SceneKind.SPARSE);
	}

	static int[][] acquire(final float[][] emission, final int width, final int height, final int bitDepth,
		final SeededRandom optics, final SeededRandom noise, final SceneKind kind)
	{
		final Conditions conditions = kind == SceneKind.CROWDED ? crowdedConditions(optics, width, height)
			: conditions(optics, width, height);
		final int maxValue = (1 << bitDepth) - 1;
		final int channels = emission.length;
		final int[][] pixels = new int[channels][width * height];
		final float[] signal = new float[width * height];
		final float[] scratch = new float[width * height];
		final float[] haze = conditions.hazeFraction() > 0 ? new float[width * height] : null;
		for (int c = 0; c < channels; c++) {
			final double backgroundTint = channels == 1 ? 1 : conditions.autofluorescenceTint()[c];
			if (haze != null) {
				System.arraycopy(emission[c], 0, haze, 0, haze.length);
				gaussianBlur(haze, scratch, width, height, conditions.hazeSigma());
				for (int p = 0; p < signal.length; p++) {
					signal[p] = (float) ((emission[c][p] + conditions.hazeFraction() * haze[p] + conditions
						.autofluorescence()[p] * backgroundTint) * conditions.illumination()[p]);
				}
			}
			else {
				for (int p = 0; p < signal.length; p++) {
					signal[p] = (float) ((emission[c][p] + conditions.autofluorescence()[p] * backgroundTint) * conditions
						.illumination()[p]);
				}
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
			autofluorescence, tint, 0, 0);
	}

	/**
	 * Bad imaging: a wider point spread, few photons (about 20 to 200 at full brightness, so most objects
	 * stand out from the background by a few noise standard deviations per pixel rather than tens, as in
	 * sparse scenes) and more read noise, strong vignetting and gradients, a brighter background with a grainy
	 * texture, and haze.
	 */
	private static Conditions crowdedConditions(final SeededRandom random, final int width, final int height) {
		final double psfSigma = random.uniform(0.7, 1.8);
		final double peakPhotons = random.logUniform(20, 200);
		final double readNoisePhotons = random.uniform(1, 3);
		final double offset = random.uniform(0.02, 0.12);
		final double signalScale = random.uniform(0.7, 1.05);
		final float[] illumination = illumination(random, width, height, random.uniform(0.3, 0.75), random.uniform(
			0.2, 0.6), 0.15);
		final float[] autofluorescence = autofluorescence(random, width, height);
		texture(random, autofluorescence, width, height);
		final double[] tint = {random.uniform(0.7, 1), random.uniform(0.7, 1), random.uniform(0.7, 1)};
		final double hazeFraction = random.uniform(0.1, 0.35);
		final double hazeSigma = random.uniform(4, 10);
		return new Conditions(psfSigma, peakPhotons, readNoisePhotons, offset, signalScale, illumination,
			autofluorescence, tint, hazeFraction, hazeSigma);
	}

	/**
	 * Adds a grainy background texture (smoothed white noise, a few pixels across) of a few tenths of the
	 * background level, and lifts the level itself, so that the background is neither flat nor dark.
	 */
	private static void texture(final SeededRandom random, final float[] field, final int width, final int height) {
		final double lift = random.uniform(0.01, 0.05);
		final double grainSigma = random.uniform(1.5, 4);
		final float[] grain = new float[width * height];
		for (int p = 0; p < grain.length; p++) grain[p] = (float) random.gaussian();
		gaussianBlur(grain, new float[grain.length], width, height, grainSigma);
		double sumSquares = 0;
		double level = 0;
		for (int p = 0; p < grain.length; p++) {
			sumSquares += (double) grain[p] * grain[p];
			level += field[p];
		}
		final double grainStd = Math.sqrt(sumSquares / grain.length);
		level = level / grain.length + lift;
		final double amplitude = level * random.uniform(0.2, 0.5) / Math.max(grainStd, 1e-12);
		for (int p = 0; p < grain.length; p++) {
			field[p] = (float) Math.max(0, field[p] + lift + amplitude * grain[p]);
		}
	}

	/** Vignetting around an off-centre optical axis times a linear gradient across the field. */
	private static float[] illumination(final SeededRandom random, final int width, final int height) {
		return illumination(random, width, height, random.uniform(0, 0.4), Double.NaN, 0.2);
	}

	/**
	 * @param gradientOrNaN the gradient strength, or NaN to draw it (0 to 0.3) after the optical axis, in the
	 *        order sparse scenes always drew it
	 */
	private static float[] illumination(final SeededRandom random, final int width, final int height,
		final double vignetting, final double gradientOrNaN, final double floor)
	{
		final double axisX = width * random.uniform(0.3, 0.7);
		final double axisY = height * random.uniform(0.3, 0.7);
		final double gradient = Double.isNaN(gradientOrNaN) ? random.uniform(0, 0.3) : gradientOrNaN;
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
				field[y * width + x] = (float) Math.max(floor, value);
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
