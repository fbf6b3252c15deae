package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

/**
 * How maps become pseudo-labels.
 *
 * @param threshold the foreground cut of each class map (the paper: 25% of the maximum for Zoom-CAM)
 * @param keep which connected components of the foreground are kept (the paper: the largest)
 * @param backgroundFraction in the fused label image a pixel is background when the winning class map,
 *        divided by that map's maximum, is below this fraction; NaN means "the threshold's own cut", so
 *        that the label image and the union of the kept masks agree
 */
public record AnnotationOptions(Threshold threshold, Keep keep, double backgroundFraction) {

	public AnnotationOptions {
		if (threshold == null) throw new ZoomCamException("no threshold given; use e.g. 0.25, otsu or fixed:0.4");
		if (keep == null) throw new ZoomCamException("no component selection given; use largest or all:MINAREA");
		if (!Double.isNaN(backgroundFraction) && (backgroundFraction < 0 || backgroundFraction > 1)) {
			throw new ZoomCamException("background fraction " + backgroundFraction + " is outside [0, 1]; " +
				"give a fraction of the map maximum such as 0.25");
		}
	}

	/** The paper's setting for a method whose pseudo-label threshold is {@code fractionOfMax}. */
	public static AnnotationOptions paper(final double fractionOfMax) {
		return new AnnotationOptions(new Threshold.FractionOfMax(fractionOfMax), Keep.largest(), Double.NaN);
	}

	public PseudoLabeler labeler() {
		return new PseudoLabeler(threshold, keep);
	}
}
