package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a class map into a pseudo-label: cut it with a {@link Threshold} (foreground = value >= cut and
 * value > 0), label the 8-connected components, and keep the ones {@link Keep} selects.
 *
 * <p>Memory: the map is read three times at most (check and range, Otsu histogram, runs) and the only
 * image-sized allocation is the returned mask, at one bit per pixel.
 */
public final class PseudoLabeler {

	private final Threshold threshold;
	private final Keep keep;

	public PseudoLabeler(final Threshold threshold, final Keep keep) {
		this.threshold = Objects.requireNonNull(threshold, "threshold");
		this.keep = Objects.requireNonNull(keep, "keep");
	}

	/** The Zoom-CAM paper's setting: 25% of the maximum, largest component. */
	public static PseudoLabeler zoomCamDefaults() {
		return new PseudoLabeler(Threshold.ZOOM_CAM_DEFAULT, Keep.largest());
	}

	/** The Grad-CAM setting used in the paper: 15% of the maximum, largest component. */
	public static PseudoLabeler gradCamDefaults() {
		return new PseudoLabeler(Threshold.GRAD_CAM_DEFAULT, Keep.largest());
	}

	public Threshold threshold() {
		return threshold;
	}

	public Keep keep() {
		return keep;
	}

	/** {@link #label(String, float[], int, int)} with the map called "map" in error messages. */
	public PseudoLabel label(final float[] map, final int width, final int height) {
		return label("map", map, width, height);
	}

	/**
	 * The pseudo-label of a row-major map. An all-zero map yields no components and an all-zero mask;
	 * NaN or infinite values throw a {@link ZoomCamException} naming {@code mapName} and the pixel.
	 */
	public PseudoLabel label(final String mapName, final float[] map, final int width, final int height) {
		final float[] range = Maps.requireFiniteRange(mapName, map, width, height);
		final float cut = threshold.valueFor(map, range[0], range[1]);
		final ConnectedComponents components = ConnectedComponents.ofCheckedThreshold(map, width, height, cut);
		final boolean[] kept = select(components);
		final List<Component> list = new ArrayList<>();
		for (int label = 1; label <= components.count(); label++) {
			if (kept[label]) list.add(components.component(label));
		}
		return new PseudoLabel(width, height, cut, components.maskBits(label -> kept[label]), list);
	}

	private boolean[] select(final ConnectedComponents components) {
		final boolean[] kept = new boolean[components.count() + 1];
		if (keep instanceof Keep.All all) {
			for (int label = 1; label <= components.count(); label++) kept[label] = components.area(label) >= all.minArea();
		}
		else if (components.count() > 0) {
			int best = 1;
			for (int label = 2; label <= components.count(); label++) {
				final int area = components.area(label);
				// Strictly greater only, so equal candidates leave the earlier (raster-order) one in place.
				if (area > components.area(best)
					|| area == components.area(best) && components.sumValue(label) > components.sumValue(best))
				{
					best = label;
				}
			}
			kept[best] = true;
		}
		return kept;
	}

	@Override
	public String toString() {
		return "PseudoLabeler[" + threshold + ", " + keep + "]";
	}
}
