package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One-to-one matching of predicted instance boxes to ground-truth instance boxes, accumulated image by
 * image: a pair can match only when both have the same class and their box IoU is at least
 * {@code minIoU} (default 0.5). Within an image, pairs are taken greedily by decreasing IoU (ties: earlier
 * truth, then earlier prediction), each box matched at most once. Recall = matched / truth instances,
 * precision = matched / predicted instances; small-object recall = matched small truth instances / small
 * truth instances, where small means fewer than {@code smallArea} pixels (the instance's own pixels, not
 * its box). Each is NaN when its denominator is 0. Not thread-safe.
 */
public final class InstanceMatching {

	public static final double DEFAULT_MIN_IOU = 0.5;

	private final double minIoU;
	private final int smallArea;
	private int images;
	private long truthInstances;
	private long predictedInstances;
	private long matched;
	private long smallTruth;
	private long smallMatched;
	/** Per class index (grown on demand): truth instances, predicted instances, matched pairs. */
	private long[] classTruth = new long[0];
	private long[] classPredicted = new long[0];
	private long[] classMatched = new long[0];

	public InstanceMatching() {
		this(DEFAULT_MIN_IOU, SmallObjectRecall.DEFAULT_MIN_AREA);
	}

	public InstanceMatching(final double minIoU, final int smallArea) {
		if (!(minIoU > 0 && minIoU <= 1)) {
			throw new ZoomCamException("minimum IoU " + minIoU + " must be in (0, 1]; the usual value is 0.5");
		}
		if (smallArea < 1) throw new ZoomCamException("small-object area limit " + smallArea + " must be at least 1 pixel");
		this.minIoU = minIoU;
		this.smallArea = smallArea;
	}

	/** Matches one image's boxes and adds the counts; returns, per truth box, the matched prediction or -1. */
	public int[] add(final List<ClassBox> truth, final List<ClassBox> predicted) {
		final int[] match = match(truth, predicted, minIoU);
		images++;
		truthInstances += truth.size();
		predictedInstances += predicted.size();
		for (final ClassBox p : predicted) classPredicted = increment(classPredicted, p.classIndex());
		for (int t = 0; t < truth.size(); t++) {
			final boolean small = truth.get(t).area() < smallArea;
			classTruth = increment(classTruth, truth.get(t).classIndex());
			if (small) smallTruth++;
			if (match[t] >= 0) {
				matched++;
				classMatched = increment(classMatched, truth.get(t).classIndex());
				if (small) smallMatched++;
			}
		}
		return match;
	}

	/**
	 * The greedy one-to-one matching of one image (see the class description): entry t is the index of the
	 * prediction matched to truth box t, or -1.
	 */
	public static int[] match(final List<ClassBox> truth, final List<ClassBox> predicted, final double minIoU) {
		if (truth == null || predicted == null) throw new ZoomCamException("truth or predicted boxes are missing (null)");
		final List<double[]> pairs = new ArrayList<>();
		for (int t = 0; t < truth.size(); t++) {
			final ClassBox a = truth.get(t);
			for (int p = 0; p < predicted.size(); p++) {
				final ClassBox b = predicted.get(p);
				if (a.classIndex() != b.classIndex()) continue;
				final double iou = a.box().iou(b.box());
				if (iou >= minIoU) pairs.add(new double[] {iou, t, p});
			}
		}
		pairs.sort((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0]) : x[1] != y[1] ? Double.compare(x[1], y[1])
			: Double.compare(x[2], y[2]));
		final int[] match = new int[truth.size()];
		Arrays.fill(match, -1);
		final boolean[] used = new boolean[predicted.size()];
		for (final double[] pair : pairs) {
			final int t = (int) pair[1];
			final int p = (int) pair[2];
			if (match[t] < 0 && !used[p]) {
				match[t] = p;
				used[p] = true;
			}
		}
		return match;
	}

	public int images() {
		return images;
	}

	public long truthInstances() {
		return truthInstances;
	}

	public long predictedInstances() {
		return predictedInstances;
	}

	public long matched() {
		return matched;
	}

	public long smallTruthInstances() {
		return smallTruth;
	}

	/** Recall of one class's truth instances; NaN when the class had none. */
	public double recall(final int classIndex) {
		final long total = at(classTruth, classIndex);
		return total == 0 ? Double.NaN : (double) at(classMatched, classIndex) / total;
	}

	/** Precision of one class's predicted instances; NaN when none was predicted. */
	public double precision(final int classIndex) {
		final long total = at(classPredicted, classIndex);
		return total == 0 ? Double.NaN : (double) at(classMatched, classIndex) / total;
	}

	private static long at(final long[] counts, final int index) {
		return index >= 0 && index < counts.length ? counts[index] : 0;
	}

	private static long[] increment(final long[] counts, final int index) {
		if (index < 0) throw new ZoomCamException("class index " + index + " is negative; class indices are 0-based");
		final long[] grown = index < counts.length ? counts : Arrays.copyOf(counts, index + 1);
		grown[index]++;
		return grown;
	}

	public double recall() {
		return truthInstances == 0 ? Double.NaN : (double) matched / truthInstances;
	}

	public double precision() {
		return predictedInstances == 0 ? Double.NaN : (double) matched / predictedInstances;
	}

	public double smallObjectRecall() {
		return smallTruth == 0 ? Double.NaN : (double) smallMatched / smallTruth;
	}
}
