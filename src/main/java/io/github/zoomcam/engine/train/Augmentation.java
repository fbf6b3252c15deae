package io.github.zoomcam.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * Random, label-preserving changes of a training batch, as NDArray operations on the batch's device. Each
 * image draws its own: a random crop (when crops are smaller than the input), one of the eight flips and
 * right-angle rotations (four flips when the input is not square), a gain and an offset, and Gaussian noise.
 * Intensities change in raw [0, 1] units, scaled by the data's standard deviation, before normalisation.
 * The per-image draws come from the trainer's seeded generator; the noise from the engine's seeded one.
 */
final class Augmentation {

	static final float MAX_GAIN_CHANGE = 0.15f;
	static final float MAX_OFFSET_IN_STD = 0.1f;
	static final float MAX_NOISE_IN_STD = 0.05f;

	private Augmentation() {}

	/**
	 * @param x (N, C, H, W) in [0, 1]
	 * @param crop side of the square crops; 0 or at least the input side: whole images
	 * @param std per-channel standard deviation of the data
	 * @return the changed batch, not yet normalised
	 */
	static NDArray apply(final NDArray x, final Random random, final boolean augment, final int crop,
		final float[] std)
	{
		final NDManager manager = x.getManager();
		final Shape shape = x.getShape();
		final int n = (int) shape.get(0);
		final int channels = (int) shape.get(1);
		NDArray out = crop(x, random, crop);
		if (!augment) return out;
		out = blend(out, out.flip(3), mask(manager, random, n));
		out = blend(out, out.flip(2), mask(manager, random, n));
		if (out.getShape().get(2) == out.getShape().get(3)) {
			out = blend(out, out.transpose(0, 1, 3, 2), mask(manager, random, n));
		}
		final float[] gain = new float[n];
		final float[] offset = new float[n * channels];
		final float[] noise = new float[n * channels];
		for (int i = 0; i < n; i++) {
			gain[i] = 1f + MAX_GAIN_CHANGE * (2 * random.nextFloat() - 1);
			final float noiseLevel = MAX_NOISE_IN_STD * random.nextFloat();
			final float offsetInStd = MAX_OFFSET_IN_STD * (2 * random.nextFloat() - 1);
			for (int c = 0; c < channels; c++) {
				offset[i * channels + c] = offsetInStd * std[c];
				noise[i * channels + c] = noiseLevel * std[c];
			}
		}
		final NDArray gains = manager.create(gain, new Shape(n, 1, 1, 1));
		final NDArray offsets = manager.create(offset, new Shape(n, channels, 1, 1));
		final NDArray noiseLevels = manager.create(noise, new Shape(n, channels, 1, 1));
		return out.mul(gains).add(offsets).add(manager.randomNormal(out.getShape()).mul(noiseLevels));
	}

	/** x where the mask is 0, y where it is 1 (one value per image). */
	private static NDArray blend(final NDArray x, final NDArray y, final NDArray mask) {
		return x.add(y.sub(x).mul(mask));
	}

	private static NDArray mask(final NDManager manager, final Random random, final int n) {
		final float[] m = new float[n];
		for (int i = 0; i < n; i++) m[i] = random.nextBoolean() ? 1f : 0f;
		return manager.create(m, new Shape(n, 1, 1, 1));
	}

	private static NDArray crop(final NDArray x, final Random random, final int crop) {
		final Shape shape = x.getShape();
		final long h = shape.get(2);
		final long w = shape.get(3);
		if (crop <= 0 || (crop >= h && crop >= w)) return x;
		final long ch = Math.min(crop, h);
		final long cw = Math.min(crop, w);
		final NDList parts = new NDList();
		for (int i = 0; i < shape.get(0); i++) {
			final long top = h == ch ? 0 : random.nextInt((int) (h - ch + 1));
			final long left = w == cw ? 0 : random.nextInt((int) (w - cw + 1));
			parts.add(x.get(new NDIndex("{}:{}, :, {}:{}, {}:{}", i, i + 1, top, top + ch, left, left + cw)));
		}
		return NDArrays.concat(parts, 0);
	}
}
