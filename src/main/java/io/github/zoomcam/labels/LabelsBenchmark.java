package io.github.zoomcam.labels;

import java.util.Arrays;
import java.util.Locale;

/**
 * Times {@link PseudoLabeler} (25% of max, largest component) on a deterministic 4096 x 4096 map made
 * of Gaussian blobs, after warm-up, and prints the median time and the heap in use.
 *
 * <p>Run: {@code java -cp target/classes io.github.zoomcam.labels.LabelsBenchmark [size] [runs]}.
 */
public final class LabelsBenchmark {

	private LabelsBenchmark() {}

	public static void main(final String[] args) {
		final int size = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
		final int runs = args.length > 1 ? Integer.parseInt(args[1]) : 9;
		final int warmUps = 3;
		final float[] map = blobs(size, size);
		final PseudoLabeler labeler = PseudoLabeler.zoomCamDefaults();
		PseudoLabel label = null;
		for (int i = 0; i < warmUps; i++) label = labeler.label("benchmark", map, size, size);
		final double[] millis = new double[runs];
		for (int i = 0; i < runs; i++) {
			final long start = System.nanoTime();
			label = labeler.label("benchmark", map, size, size);
			millis[i] = (System.nanoTime() - start) / 1e6;
		}
		Arrays.sort(millis);
		final Runtime runtime = Runtime.getRuntime();
		System.gc();
		final double usedMiB = (runtime.totalMemory() - runtime.freeMemory()) / (1024.0 * 1024.0);
		System.out.printf(Locale.ROOT, "map %dx%d, %s, %d warm-up + %d timed runs, %d cores%n", size, size, labeler,
			warmUps, runs, runtime.availableProcessors());
		System.out.printf(Locale.ROOT, "median %.1f ms (min %.1f, max %.1f)%n", millis[runs / 2], millis[0],
			millis[runs - 1]);
		System.out.printf(Locale.ROOT, "threshold %.4f, kept %s, foreground %d px%n", label.threshold(),
			label.components(), label.foregroundArea());
		System.out.printf(Locale.ROOT, "heap in use with map and result alive: %.1f MiB (map %.1f MiB, max heap %.0f MiB)%n",
			usedMiB, map.length * 4 / (1024.0 * 1024.0), runtime.maxMemory() / (1024.0 * 1024.0));
	}

	/**
	 * A sum of separable Gaussian blobs at fixed, well spread positions (no random generator, so every
	 * run sees the same map): each blob is gx(x) * gy(y), which keeps generation to one multiply-add
	 * per blob and pixel.
	 */
	static float[] blobs(final int width, final int height) {
		final double[][] blobs = {
			// centre x, centre y (fractions of the size), sigma (fraction of the width), amplitude
			{0.30, 0.35, 0.080, 1.00}, {0.70, 0.30, 0.050, 0.80}, {0.55, 0.72, 0.110, 0.90},
			{0.15, 0.80, 0.030, 0.60}, {0.85, 0.85, 0.040, 0.50}, {0.50, 0.10, 0.020, 0.40},
			{0.05, 0.05, 0.015, 0.70}, {0.92, 0.55, 0.025, 0.45},
		};
		final float[] map = new float[width * height];
		final float[] gx = new float[width];
		final float[] gy = new float[height];
		for (final double[] b : blobs) {
			final double sigma = b[2] * width;
			for (int x = 0; x < width; x++) gx[x] = (float) (b[3] * Math.exp(-0.5 * sq((x - b[0] * width) / sigma)));
			for (int y = 0; y < height; y++) gy[y] = (float) Math.exp(-0.5 * sq((y - b[1] * height) / sigma));
			for (int y = 0; y < height; y++) {
				final float fy = gy[y];
				final int row = y * width;
				for (int x = 0; x < width; x++) map[row + x] += gx[x] * fy;
			}
		}
		return map;
	}

	private static double sq(final double v) {
		return v * v;
	}
}
