package io.github.zoomcam.engine.train;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Validation scores and losses computed on the host from logits, in double precision. The same formulas as
 * tools/train_demo_model.py, so the Java and Python trainers are scored alike.
 */
public final class Scores {

	private Scores() {}

	/**
	 * Average precision of one class: the mean of the precision at the rank of every positive, ranks by
	 * descending score. NaN when the class has no positive.
	 */
	public static double averagePrecision(final double[] scores, final boolean[] positive) {
		final Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
		Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
		int truePositives = 0;
		double sum = 0;
		for (int rank = 0; rank < order.length; rank++) {
			if (positive[order[rank]]) {
				truePositives++;
				sum += truePositives / (double) (rank + 1);
			}
		}
		return truePositives == 0 ? Double.NaN : sum / truePositives;
	}

	/** Per-class average precision over images (rows) and classes (columns). */
	public static double[] averagePrecisions(final float[][] logits, final float[][] targets) {
		final int classes = targets.length == 0 ? 0 : targets[0].length;
		final double[] ap = new double[classes];
		for (int c = 0; c < classes; c++) {
			final double[] s = new double[logits.length];
			final boolean[] p = new boolean[logits.length];
			for (int n = 0; n < logits.length; n++) {
				s[n] = logits[n][c];
				p[n] = targets[n][c] > 0.5f;
			}
			ap[c] = averagePrecision(s, p);
		}
		return ap;
	}

	/** The mean of the per-class average precisions, over classes with at least one positive. */
	public static double meanAveragePrecision(final float[][] logits, final float[][] targets) {
		return Arrays.stream(averagePrecisions(logits, targets)).filter(v -> !Double.isNaN(v)).average().orElse(
			Double.NaN);
	}

	/** The share of images whose highest logit is their class. */
	public static double accuracy(final float[][] logits, final float[][] targets) {
		int right = 0;
		for (int n = 0; n < logits.length; n++) {
			if (targets[n][argMax(logits[n])] > 0.5f) right++;
		}
		return logits.length == 0 ? Double.NaN : right / (double) logits.length;
	}

	/** Mean binary cross-entropy over images and classes, from logits (numerically stable form). */
	public static double binaryCrossEntropy(final float[][] logits, final float[][] targets) {
		double sum = 0;
		long count = 0;
		for (int n = 0; n < logits.length; n++) {
			for (int c = 0; c < logits[n].length; c++) {
				final double x = logits[n][c];
				sum += Math.max(x, 0) - x * targets[n][c] + Math.log1p(Math.exp(-Math.abs(x)));
				count++;
			}
		}
		return sum / Math.max(1, count);
	}

	/** Mean categorical cross-entropy over images, from logits. */
	public static double crossEntropy(final float[][] logits, final float[][] targets) {
		double sum = 0;
		for (int n = 0; n < logits.length; n++) {
			double max = Double.NEGATIVE_INFINITY;
			for (final float v : logits[n]) max = Math.max(max, v);
			double norm = 0;
			for (final float v : logits[n]) norm += Math.exp(v - max);
			final double logNorm = max + Math.log(norm);
			for (int c = 0; c < logits[n].length; c++) sum -= targets[n][c] * (logits[n][c] - logNorm);
		}
		return sum / Math.max(1, logits.length);
	}

	/** The validation score of a label kind: accuracy or mAP. */
	public static double score(final LabelKind kind, final float[][] logits, final float[][] targets) {
		return kind == LabelKind.SINGLE_LABEL ? accuracy(logits, targets) : meanAveragePrecision(logits, targets);
	}

	/** The loss the trainer minimises for a label kind. */
	public static double loss(final LabelKind kind, final float[][] logits, final float[][] targets) {
		return kind == LabelKind.SINGLE_LABEL ? crossEntropy(logits, targets) : binaryCrossEntropy(logits, targets);
	}

	static int argMax(final float[] values) {
		int best = 0;
		for (int i = 1; i < values.length; i++) {
			if (values[i] > values[best]) best = i;
		}
		return best;
	}
}
