package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.List;

/**
 * The normalised explanation map of one class in one image, as handed to the {@link Annotator}.
 *
 * @param classIndex 0-based class index in the model's class list
 * @param className the class name, used to name ROIs and table rows
 * @param score the classifier's probability for the class
 * @param map row-major values, width * height, normally in [0, 1]: the method's map (the paper's protocol,
 *        refinement {@code none}, thresholds it)
 * @param evidence the map image-guided refinement reads class evidence from, same size; null means
 *        {@code map}. For methods that fuse layers (Zoom-CAM, Layer-CAM) pass the mean of the normalised
 *        layer maps ({@link #meanOfLayers}): on validation data it labels objects markedly better than the
 *        max-fused map (see the README's measurements)
 */
public record ClassMap(int classIndex, String className, float score, float[] map, float[] evidence) {

	/** A map whose evidence is the map itself (single-layer methods, or the paper's protocol). */
	public ClassMap(final int classIndex, final String className, final float score, final float[] map) {
		this(classIndex, className, score, map, null);
	}

	/** The map image-guided refinement reads: {@code evidence}, or {@code map} when there is none. */
	public float[] evidenceMap() {
		return evidence != null ? evidence : map;
	}

	/**
	 * The pixel-wise mean of normalised layer maps of one class (all the same size, row-major): the evidence
	 * map for multi-layer methods.
	 */
	public static float[] meanOfLayers(final List<float[]> layerMaps) {
		if (layerMaps == null || layerMaps.isEmpty()) {
			throw new ZoomCamException("no layer maps given to average; pass at least one");
		}
		final int length = layerMaps.get(0).length;
		final double[] sum = new double[length];
		for (final float[] layer : layerMaps) {
			if (layer.length != length) {
				throw new ZoomCamException("layer maps have " + length + " and " + layer.length
					+ " values; all layer maps must be at the same size");
			}
			for (int i = 0; i < length; i++) sum[i] += layer[i];
		}
		final float[] mean = new float[length];
		for (int i = 0; i < length; i++) mean[i] = (float) (sum[i] / layerMaps.size());
		return mean;
	}
}
