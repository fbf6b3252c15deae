package io.github.zoomcam.engine;

import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.core.ZoomCamException;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Every map of one image for one target class.
 *
 * @param classIndex index of the explained class
 * @param className its name
 * @param score pre-softmax class score (logit) that was back-propagated
 * @param probability softmax or sigmoid probability, as the bundle declares
 * @param methods the maps of every computed method
 */
public record TargetExplanation(int classIndex, String className, float score, float probability,
	Map<CamMethod, MethodMaps> methods)
{

	public TargetExplanation {
		methods = Collections.unmodifiableMap(methods.isEmpty() ? new EnumMap<>(CamMethod.class) : new EnumMap<>(
			methods));
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
	 * A method's normalised map at the image's original size.
	 *
	 * @throws ZoomCamException when the method was not computed
	 */
	public FloatMap map(final CamMethod method) {
		return methodMaps(method).atOriginal();
	}
}
