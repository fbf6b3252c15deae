package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Objects;

/**
 * Accumulates {@link LocalizationSample}s into a {@link LocalizationResult} (definitions there). An image
 * with several ground-truth classes counts as right when any of them satisfies the rule.
 */
public final class LocalizationEvaluator {

	/** The ILSVRC IoU criterion. */
	public static final double DEFAULT_MIN_IOU = 0.5;

	private static final int TOP_K = 5;

	private final double minIoU;
	private int images;
	private int top1ClassificationWrong;
	private int top5ClassificationWrong;
	private int top1LocalizationWrong;
	private int top5LocalizationWrong;
	private int gtKnownRight;

	public LocalizationEvaluator() {
		this(DEFAULT_MIN_IOU);
	}

	public LocalizationEvaluator(final double minIoU) {
		if (!(minIoU > 0 && minIoU <= 1)) {
			throw new ZoomCamException("minimum IoU " + minIoU + " must be in (0, 1]; ILSVRC uses 0.5");
		}
		this.minIoU = minIoU;
	}

	public void add(final LocalizationSample sample) {
		Objects.requireNonNull(sample, "sample");
		final int[] ranked = sample.rankedClasses();
		boolean classifiedTop5 = false;
		boolean localizedTop5 = false;
		for (int rank = 0; rank < Math.min(TOP_K, ranked.length); rank++) {
			final boolean isTruth = sample.groundTruthBoxes().containsKey(ranked[rank]);
			final boolean localized = isTruth && sample.hits(ranked[rank], minIoU);
			if (rank == 0) {
				if (!isTruth) top1ClassificationWrong++;
				if (!localized) top1LocalizationWrong++;
			}
			classifiedTop5 |= isTruth;
			localizedTop5 |= localized;
		}
		if (!classifiedTop5) top5ClassificationWrong++;
		if (!localizedTop5) top5LocalizationWrong++;
		boolean gtKnown = false;
		for (final int truthClass : sample.groundTruthBoxes().keySet()) gtKnown |= sample.hits(truthClass, minIoU);
		if (gtKnown) gtKnownRight++;
		images++;
	}

	public int images() {
		return images;
	}

	public LocalizationResult result() {
		return new LocalizationResult(images, fraction(top1ClassificationWrong), fraction(top5ClassificationWrong),
			fraction(top1LocalizationWrong), fraction(top5LocalizationWrong), fraction(gtKnownRight));
	}

	private double fraction(final int count) {
		return images == 0 ? Double.NaN : (double) count / images;
	}
}
