package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;

/**
 * Multi-label classification quality: per class, the average precision of ranking the images by the
 * class's score (the mean of the precision at the rank of each positive image; ties keep image order),
 * and their mean over classes that have a positive image (mAP).
 */
public final class AveragePrecision {

	private AveragePrecision() {}

	/**
	 * @param scores scores[image][class]
	 * @param truth truth[image][class]: whether the image contains the class
	 * @return the class's average precision; NaN when no image contains it
	 */
	public static double of(final float[][] scores, final boolean[][] truth, final int classIndex) {
		if (scores.length != truth.length) {
			throw new ZoomCamException(scores.length + " score rows for " + truth.length + " truth rows; give one per image");
		}
		final Integer[] order = new Integer[scores.length];
		for (int i = 0; i < order.length; i++) order[i] = i;
		Arrays.sort(order, (a, b) -> Float.compare(scores[b][classIndex], scores[a][classIndex]));
		double positives = 0;
		double sum = 0;
		int rank = 0;
		for (final int i : order) {
			rank++;
			if (truth[i][classIndex]) {
				positives++;
				sum += positives / rank;
			}
		}
		return positives == 0 ? Double.NaN : sum / positives;
	}

	/** The mean of the classes' average precisions, skipping classes no image contains; NaN when none. */
	public static double mean(final float[][] scores, final boolean[][] truth, final int classCount) {
		double sum = 0;
		int counted = 0;
		for (int c = 0; c < classCount; c++) {
			final double ap = of(scores, truth, c);
			if (!Double.isNaN(ap)) {
				sum += ap;
				counted++;
			}
		}
		return counted == 0 ? Double.NaN : sum / counted;
	}
}
