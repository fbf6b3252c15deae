package io.github.zoomcam.synth;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The generator's only source of randomness. SplittableRandom's nextLong/nextDouble follow a published
 * algorithm (SplitMix64), and everything derived here uses StrictMath, so a seed gives the same image on every
 * JVM and platform; the JDK's own nextGaussian and bounded nextInt are avoided because their algorithms are not
 * specified.
 */
final class SeededRandom {

	private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
	/** Below this mean, exact Poisson sampling is cheap; above it the normal approximation is indistinguishable. */
	private static final double POISSON_EXACT_BELOW = 30;

	private final SplittableRandom random;
	private double spareGaussian;
	private boolean hasSpareGaussian;

	SeededRandom(final long seed) {
		random = new SplittableRandom(seed);
	}

	/**
	 * A seed for one random stream of one image. Hashing (not incrementing) keeps the streams of neighbouring
	 * images and of neighbouring data set seeds unrelated, and makes image i independent of how many are made.
	 */
	static long derive(final long datasetSeed, final long imageIndex, final long stream) {
		return mix64(mix64(mix64(datasetSeed) + GOLDEN_GAMMA * (imageIndex + 1)) + stream);
	}

	/** The SplitMix64 finaliser. */
	static long mix64(final long value) {
		long z = value;
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

	/** In [0, 1). */
	double uniform() {
		return random.nextDouble();
	}

	double uniform(final double low, final double high) {
		return low + (high - low) * uniform();
	}

	/** Scale-free sizes: as many objects between 5 and 10 px as between 30 and 60 px. */
	double logUniform(final double low, final double high) {
		return low * StrictMath.exp(uniform() * StrictMath.log(high / low));
	}

	/** In [0, bound). */
	int below(final int bound) {
		return Math.min(bound - 1, (int) (uniform() * bound));
	}

	/** In [low, high], both included. */
	int between(final int low, final int high) {
		return low + below(high - low + 1);
	}

	boolean chance(final double probability) {
		return uniform() < probability;
	}

	double angle() {
		return uniform() * 2 * Math.PI;
	}

	/** An index drawn with the given probabilities (summing to 1). */
	int pick(final double[] probabilities) {
		final double u = uniform();
		double cumulative = 0;
		for (int i = 0; i < probabilities.length - 1; i++) {
			cumulative += probabilities[i];
			if (u < cumulative) return i;
		}
		return probabilities.length - 1;
	}

	/** Standard normal, Marsaglia's polar method. */
	double gaussian() {
		if (hasSpareGaussian) {
			hasSpareGaussian = false;
			return spareGaussian;
		}
		double u;
		double v;
		double s;
		do {
			u = 2 * uniform() - 1;
			v = 2 * uniform() - 1;
			s = u * u + v * v;
		}
		while (s >= 1 || s == 0);
		final double factor = Math.sqrt(-2 * StrictMath.log(s) / s);
		spareGaussian = v * factor;
		hasSpareGaussian = true;
		return u * factor;
	}

	int poisson(final double mean) {
		if (!(mean > 0)) return 0;
		if (mean >= POISSON_EXACT_BELOW) {
			return (int) Math.max(0, Math.floor(mean + Math.sqrt(mean) * gaussian() + 0.5));
		}
		final double limit = StrictMath.exp(-mean);
		int count = 0;
		double product = uniform();
		while (product > limit) {
			count++;
			product *= uniform();
		}
		return count;
	}

	/** Fisher-Yates. */
	void shuffle(final int[] values) {
		for (int i = values.length - 1; i > 0; i--) {
			final int j = below(i + 1);
			final int t = values[i];
			values[i] = values[j];
			values[j] = t;
		}
	}

	/** Fisher-Yates on a list, in place. */
	<T> void shuffleList(final List<T> values) {
		for (int i = values.size() - 1; i > 0; i--) {
			final int j = below(i + 1);
			final T t = values.get(i);
			values.set(i, values.get(j));
			values.set(j, t);
		}
	}
}
