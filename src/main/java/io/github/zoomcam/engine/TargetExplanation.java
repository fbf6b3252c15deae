package io.github.zoomcam.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every map for one image and one target class. Layer lists are in network order. The Zoom-CAM and
 * Grad-CAM components are kept for callers that predate {@link #methods}; they are empty lists or null
 * when that method was not asked for.
 *
 * @param classIndex index of the explained class
 * @param className its name
 * @param score pre-softmax class score (logit) that was back-propagated
 * @param probability softmax or sigmoid probability, as the bundle declares
 * @param layers names of the selected (fused) layers
 * @param rawLayerMaps Zoom-CAM: ReLU(sum_c dS/dA * A) at each layer's own resolution (Eq. 9)
 * @param layerMapsAtInput Zoom-CAM: min-max normalised layer maps, bilinearly upsampled to the model input
 * @param layerMapsAtOriginal the same, upsampled to the image's original size (empty when not asked)
 * @param zoomCamAtInput Zoom-CAM: layers fused pixel-wise (Eq. 10) at the model input size
 * @param zoomCamAtOriginal layers fused at the image's original size (null when not asked)
 * @param gradCamLayer the layer used by the single-layer methods (Grad-CAM, Grad-CAM++, ...)
 * @param gradCamRaw ReLU(sum_c mean(dS/dA_c) A_c) at that layer's resolution
 * @param gradCamAtInput normalised Grad-CAM map at the model input size
 * @param gradCamAtOriginal normalised Grad-CAM map at the original size (null when not asked)
 * @param methods the maps of every computed method, Zoom-CAM and Grad-CAM included
 */
public record TargetExplanation(int classIndex, String className, float score, float probability,
	List<String> layers, List<FloatMap> rawLayerMaps, List<FloatMap> layerMapsAtInput,
	List<FloatMap> layerMapsAtOriginal, FloatMap zoomCamAtInput, FloatMap zoomCamAtOriginal,
	String gradCamLayer, FloatMap gradCamRaw, FloatMap gradCamAtInput, FloatMap gradCamAtOriginal,
	Map<CamMethod, MethodMaps> methods)
{

	public TargetExplanation {
		layers = List.copyOf(layers);
		rawLayerMaps = List.copyOf(rawLayerMaps);
		layerMapsAtInput = List.copyOf(layerMapsAtInput);
		layerMapsAtOriginal = List.copyOf(layerMapsAtOriginal);
		methods = Collections.unmodifiableMap(methods.isEmpty() ? new EnumMap<>(CamMethod.class) : new EnumMap<>(
			methods));
	}

	/**
	 * An explanation with only the Zoom-CAM and Grad-CAM maps (either may be absent: null fused map), as
	 * before per-method maps existed; {@link #methods} is derived from them.
	 */
	public TargetExplanation(final int classIndex, final String className, final float score,
		final float probability, final List<String> layers, final List<FloatMap> rawLayerMaps,
		final List<FloatMap> layerMapsAtInput, final List<FloatMap> layerMapsAtOriginal, final FloatMap zoomCamAtInput,
		final FloatMap zoomCamAtOriginal, final String gradCamLayer, final FloatMap gradCamRaw,
		final FloatMap gradCamAtInput, final FloatMap gradCamAtOriginal)
	{
		this(classIndex, className, score, probability, layers, rawLayerMaps, layerMapsAtInput, layerMapsAtOriginal,
			zoomCamAtInput, zoomCamAtOriginal, gradCamLayer, gradCamRaw, gradCamAtInput, gradCamAtOriginal,
			legacyMethods(layers, rawLayerMaps, layerMapsAtInput, layerMapsAtOriginal, zoomCamAtInput,
				zoomCamAtOriginal, gradCamLayer, gradCamRaw, gradCamAtInput, gradCamAtOriginal));
	}

	private static Map<CamMethod, MethodMaps> legacyMethods(final List<String> layers,
		final List<FloatMap> rawLayerMaps, final List<FloatMap> layerMapsAtInput,
		final List<FloatMap> layerMapsAtOriginal, final FloatMap zoomCamAtInput, final FloatMap zoomCamAtOriginal,
		final String gradCamLayer, final FloatMap gradCamRaw, final FloatMap gradCamAtInput,
		final FloatMap gradCamAtOriginal)
	{
		final Map<CamMethod, MethodMaps> methods = new EnumMap<>(CamMethod.class);
		if (zoomCamAtInput != null) {
			methods.put(CamMethod.ZOOMCAM, new MethodMaps(CamMethod.ZOOMCAM, layers, rawLayerMaps, layerMapsAtInput,
				layerMapsAtOriginal, zoomCamAtInput, zoomCamAtOriginal));
		}
		if (gradCamAtInput != null) {
			methods.put(CamMethod.GRADCAM, new MethodMaps(CamMethod.GRADCAM, List.of(gradCamLayer), gradCamRaw == null
				? List.of() : List.of(gradCamRaw), List.of(gradCamAtInput), gradCamAtOriginal == null ? List.of()
					: List.of(gradCamAtOriginal), gradCamAtInput, gradCamAtOriginal));
		}
		return methods;
	}

	/** The methods computed for this target, in {@link CamMethod} order. */
	public Set<CamMethod> computedMethods() {
		return methods.keySet();
	}

	/**
	 * All maps of one method.
	 *
	 * @throws ZoomCamException when the method was not among the explain call's methods
	 */
	public MethodMaps methodMaps(final CamMethod method) {
		final MethodMaps maps = methods.get(method);
		if (maps == null) {
			throw new ZoomCamException("the " + method.id() + " map was not computed for " + className +
				"; computed: " + String.join(", ", methods.keySet().stream().map(CamMethod::id).toList()) +
				" (add " + method.id() + " to the methods of the explain options)");
		}
		return maps;
	}

	/**
	 * The normalised map a method shows, at the original size when computed, else at the model input size.
	 *
	 * @throws ZoomCamException when the method was not computed
	 */
	public FloatMap map(final CamMethod method) {
		return methodMaps(method).best();
	}
}
