package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

/**
 * A pixel confusion matrix over labels 0..numClasses (0 = background), accumulated over a whole data
 * set image by image, as in the PASCAL VOC segmentation benchmark: ground-truth pixels labelled
 * {@value #IGNORE} are skipped, and IoU is computed once from the summed counts, which is not the mean
 * of per-image IoUs.
 *
 * <p>IoU of label c = TP / (TP + FP + FN), with TP = pixels labelled c in both, FP = predicted c but
 * truly another label, FN = truly c but predicted another label. It is NaN when c appears in neither
 * ground truth nor prediction; mean IoU averages the other labels, background included.
 *
 * <p>Not thread-safe; use one per thread and {@link #addAll} them.
 */
public final class ConfusionMatrix {

	/** Ground-truth label of pixels that do not count (object borders and "difficult" regions in VOC). */
	public static final int IGNORE = 255;

	private final int labels;
	/** counts[truth * labels + predicted]. */
	private final long[] counts;
	private int images;

	/** A matrix for background plus {@code numClasses} classes, i.e. labels 0..numClasses. */
	public ConfusionMatrix(final int numClasses) {
		if (numClasses < 1 || numClasses >= IGNORE) {
			throw new ZoomCamException("number of classes " + numClasses + " must be in 1.." + (IGNORE - 1)
				+ " (label " + IGNORE + " means ignore)");
		}
		labels = numClasses + 1;
		counts = new long[labels * labels];
	}

	/** Adds one image, named "#k" (k = 1-based position in the order of adding) in error messages. */
	public void add(final int[] truth, final int[] predicted) {
		add(null, truth, predicted);
	}

	/**
	 * Adds one image's ground-truth and predicted label images (same length, row-major). The whole image
	 * is checked before anything is counted, so a rejected image leaves the matrix unchanged.
	 */
	public void add(final String imageName, final int[] truth, final int[] predicted) {
		final String name = "image " + Maps.imageName(imageName, images + 1);
		if (truth == null || predicted == null) {
			throw new ZoomCamException(name + ": ground truth or prediction is missing (null)");
		}
		if (truth.length != predicted.length) {
			throw new ZoomCamException(name + ": ground truth has " + truth.length + " pixels but the prediction has "
				+ predicted.length + "; both label images must have the same size");
		}
		for (int i = 0; i < truth.length; i++) {
			final int t = truth[i];
			if ((t < 0 || t >= labels) && t != IGNORE) {
				throw new ZoomCamException(name + ": ground-truth label " + t + " at index " + i + " is outside 0.."
					+ (labels - 1) + " and is not " + IGNORE + " (ignore); check the number of classes");
			}
			if (predicted[i] < 0 || predicted[i] >= labels) {
				throw new ZoomCamException(name + ": predicted label " + predicted[i] + " at index " + i
					+ " is outside 0.." + (labels - 1) + "; check the number of classes");
			}
		}
		for (int i = 0; i < truth.length; i++) {
			if (truth[i] != IGNORE) counts[truth[i] * labels + predicted[i]]++;
		}
		images++;
	}

	/** Adds the counts of another matrix of the same size (e.g. one filled by another thread). */
	public void addAll(final ConfusionMatrix other) {
		if (other.labels != labels) {
			throw new ZoomCamException("confusion matrices over " + labels + " and " + other.labels
				+ " labels cannot be combined");
		}
		for (int i = 0; i < counts.length; i++) counts[i] += other.counts[i];
		images += other.images;
	}

	/** Number of classes, background excluded. */
	public int numClasses() {
		return labels - 1;
	}

	/** Number of images added. */
	public int images() {
		return images;
	}

	/** Pixels with the given ground-truth and predicted labels. */
	public long count(final int truthLabel, final int predictedLabel) {
		checkLabel(truthLabel);
		checkLabel(predictedLabel);
		return counts[truthLabel * labels + predictedLabel];
	}

	/** TP / (TP + FP + FN) for a label 0..numClasses, NaN when it is absent from truth and prediction. */
	public double iou(final int label) {
		checkLabel(label);
		final long truePositive = counts[label * labels + label];
		long truthTotal = 0;
		long predictedTotal = 0;
		for (int other = 0; other < labels; other++) {
			truthTotal += counts[label * labels + other];
			predictedTotal += counts[other * labels + label];
		}
		// TP + FP + FN = (row total) + (column total) - TP.
		final long union = truthTotal + predictedTotal - truePositive;
		return union == 0 ? Double.NaN : (double) truePositive / union;
	}

	/** IoU of every label 0..numClasses (index 0 = background). */
	public double[] ious() {
		final double[] ious = new double[labels];
		for (int c = 0; c < labels; c++) ious[c] = iou(c);
		return ious;
	}

	/** Mean of the non-NaN IoUs, background included; NaN when every label is absent. */
	public double meanIoU() {
		double sum = 0;
		int present = 0;
		for (final double iou : ious()) {
			if (!Double.isNaN(iou)) {
				sum += iou;
				present++;
			}
		}
		return present == 0 ? Double.NaN : sum / present;
	}

	/** Fraction of counted (non-ignored) pixels whose predicted label is right; NaN before any pixel. */
	public double pixelAccuracy() {
		long right = 0;
		long total = 0;
		for (int t = 0; t < labels; t++) {
			right += counts[t * labels + t];
			for (int p = 0; p < labels; p++) total += counts[t * labels + p];
		}
		return total == 0 ? Double.NaN : (double) right / total;
	}

	private void checkLabel(final int label) {
		if (label < 0 || label >= labels) {
			throw new ZoomCamException("label " + label + " is outside 0.." + (labels - 1));
		}
	}
}
