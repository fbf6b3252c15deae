package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

/**
 * One labelled object of an {@link ImageAnnotation}.
 *
 * @param id the object's value in the instance label image, 1..n
 * @param classIndex 0-based class index
 * @param className class name
 * @param score the class evidence: the mean of the class map, divided by that map's maximum, over the
 *        object's pixels (in [0, 1] for maps in [0, 1]); not the classifier's probability, which is
 *        {@link ClassAnnotation#score()}
 * @param box the object's bounding box (inclusive pixel extent)
 * @param area the object's pixel count
 */
public record Instance(int id, int classIndex, String className, float score, Box box, int area) {

	public Instance {
		if (id < 1) throw new ZoomCamException("instance id " + id + " must be 1 or more (0 is background)");
		if (area < 0) throw new ZoomCamException("instance " + id + " has a negative area " + area);
	}
}
