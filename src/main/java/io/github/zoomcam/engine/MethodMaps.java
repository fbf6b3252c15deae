package io.github.zoomcam.engine;

import io.github.zoomcam.core.FloatMap;

import java.util.List;

/**
 * The maps of one CAM method for one image and target class. Multi-layer methods (Zoom-CAM, Layer-CAM)
 * have one entry per fused layer in network order; single-layer methods have one entry, their layer.
 *
 * @param method the method
 * @param layers names of the layers the method used, in network order
 * @param rawLayerMaps the method's unnormalised map at each layer's own resolution (see {@link CamMethod})
 * @param layerMapsAtInput min-max normalised layer maps, bilinearly upsampled to the model input size
 * @param layerMapsAtOriginal the same at the image's original size; empty unless the options ask for them
 * @param atInput the method's map at the model input size: the fused layer maps, or the one layer's map
 * @param atOriginal the same at the image's original size (always computed)
 * @param evidenceAtOriginal the mean of the normalised layer maps at the original size, where it was made
 *   without keeping the layer maps themselves (a tiled image labelled with the image-guided refinement);
 *   null otherwise
 *
 * <p>Two kinds of maps lack parts: with {@link ExplainOptions#rawMapsOnly()} only {@code rawLayerMaps}
 * exist ({@code atInput} and {@code atOriginal} are null); an image explained in tiles (the pipeline's
 * tiling) has no single pass at the model input size, so its {@code rawLayerMaps} and
 * {@code layerMapsAtInput} are empty, {@code atInput} is null and the maps at the original size are the
 * stitched ones.</p>
 */
public record MethodMaps(CamMethod method, List<String> layers, List<FloatMap> rawLayerMaps,
	List<FloatMap> layerMapsAtInput, List<FloatMap> layerMapsAtOriginal, FloatMap atInput, FloatMap atOriginal,
	FloatMap evidenceAtOriginal)
{

	/** Maps without a separately made mean of the layer maps. */
	public MethodMaps(final CamMethod method, final List<String> layers, final List<FloatMap> rawLayerMaps,
		final List<FloatMap> layerMapsAtInput, final List<FloatMap> layerMapsAtOriginal, final FloatMap atInput,
		final FloatMap atOriginal)
	{
		this(method, layers, rawLayerMaps, layerMapsAtInput, layerMapsAtOriginal, atInput, atOriginal, null);
	}

	public MethodMaps {
		layers = List.copyOf(layers);
		rawLayerMaps = List.copyOf(rawLayerMaps);
		layerMapsAtInput = List.copyOf(layerMapsAtInput);
		layerMapsAtOriginal = List.copyOf(layerMapsAtOriginal);
	}

	/** Whether the per-layer maps exist at the original size (else only at the model input size, or not at all). */
	public boolean hasLayerMapsAtOriginal() {
		return !layerMapsAtOriginal.isEmpty();
	}
}
