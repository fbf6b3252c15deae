package io.github.zoomcam.labels;

/**
 * ILSVRC localization scores over a set of images, as fractions in [0, 1] (NaN for zero images).
 *
 * <ul>
 * <li>top-1 / top-5 classification error: images where none of the first 1 / 5 ranked classes is a
 * ground-truth class;</li>
 * <li>top-1 / top-5 localization error: images where none of the first 1 / 5 ranked classes is a
 * ground-truth class whose predicted box has IoU >= 0.5 with one of that class's ground-truth boxes;</li>
 * <li>GT-known localization accuracy: images where the box predicted for a ground-truth class has
 * IoU >= 0.5 with one of that class's ground-truth boxes, whatever the classifier ranked first.</li>
 * </ul>
 */
public record LocalizationResult(int images, double top1ClassificationError, double top5ClassificationError,
	double top1LocalizationError, double top5LocalizationError, double gtKnownLocalizationAccuracy)
{}
