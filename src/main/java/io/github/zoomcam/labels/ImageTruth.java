package io.github.zoomcam.labels;

import java.util.List;
import java.util.Map;

/**
 * Ground truth of one image; every part is optional and the scores that need a missing part skip it.
 *
 * @param name image name for messages
 * @param width image width
 * @param height image height
 * @param labels class per pixel (0 = background, class index + 1, 255 = ignore), or null
 * @param instances instance id per pixel (0 = none), or null
 * @param boxes ground-truth boxes per 0-based class index; empty when none
 */
public record ImageTruth(String name, int width, int height, int[] labels, int[] instances,
	Map<Integer, List<Box>> boxes)
{

	public ImageTruth {
		boxes = boxes == null ? Map.of() : Map.copyOf(boxes);
	}
}
