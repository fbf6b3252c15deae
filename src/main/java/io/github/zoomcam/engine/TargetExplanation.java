package io.github.zoomcam.engine;

import java.util.List;

/**
 * Every map for one image and one target class. Layer lists are in network order.
 *
 * @param classIndex index of the explained class
 * @param className its name
 * @param score pre-softmax class score (logit) that was back-propagated
 * @param probability softmax or sigmoid probability, as the bundle declares
 * @param layers names of the fused layers
 * @param rawLayerMaps ReLU(sum_c dS/dA * A) at each layer's own resolution (Eq. 9)
 * @param layerMapsAtInput min-max normalised layer maps, bilinearly upsampled to the model input size
 * @param layerMapsAtOriginal the same, upsampled to the image's original size (empty when not asked)
 * @param zoomCamAtInput layers fused pixel-wise (Eq. 10) at the model input size
 * @param zoomCamAtOriginal layers fused at the image's original size (null when not asked)
 * @param gradCamLayer the layer used for Grad-CAM
 * @param gradCamRaw ReLU(sum_c mean(dS/dA_c) A_c) at that layer's resolution
 * @param gradCamAtInput normalised Grad-CAM map at the model input size
 * @param gradCamAtOriginal normalised Grad-CAM map at the original size (null when not asked)
 */
public record TargetExplanation(int classIndex, String className, float score, float probability,
	List<String> layers, List<FloatMap> rawLayerMaps, List<FloatMap> layerMapsAtInput,
	List<FloatMap> layerMapsAtOriginal, FloatMap zoomCamAtInput, FloatMap zoomCamAtOriginal,
	String gradCamLayer, FloatMap gradCamRaw, FloatMap gradCamAtInput, FloatMap gradCamAtOriginal)
{

	public TargetExplanation {
		layers = List.copyOf(layers);
		rawLayerMaps = List.copyOf(rawLayerMaps);
		layerMapsAtInput = List.copyOf(layerMapsAtInput);
		layerMapsAtOriginal = List.copyOf(layerMapsAtOriginal);
	}

	/** The map a method shows, at the original size when computed, else at the model input size. */
	public FloatMap map(final CamMethod method) {
		return switch (method) {
			case ZOOMCAM -> zoomCamAtOriginal != null ? zoomCamAtOriginal : zoomCamAtInput;
			case GRADCAM -> gradCamAtOriginal != null ? gradCamAtOriginal : gradCamAtInput;
		};
	}
}
