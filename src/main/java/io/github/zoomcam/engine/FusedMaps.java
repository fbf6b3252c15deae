package io.github.zoomcam.engine;

import io.github.zoomcam.core.FloatMap;

import java.util.List;

/**
 * What {@link Explainer#fuseRawMaps} makes of one set of raw layer maps.
 *
 * @param fused the normalised, upsampled layer maps fused into one (the one layer's map for single-layer
 *   methods)
 * @param layers the normalised, upsampled per-layer maps, in layer order; empty unless asked for
 */
public record FusedMaps(FloatMap fused, List<FloatMap> layers) {

	public FusedMaps {
		layers = List.copyOf(layers);
	}
}
