package io.github.zoomcam.labels;

import java.util.Map;

/**
 * What a method predicted for one image; every part is optional.
 *
 * @param labels predicted label image (0 = background, class index + 1), or null
 * @param rankedClasses class indices by decreasing classifier score, or null
 * @param boxes the box predicted for each class index (missing classes count as misses)
 * @param maps the normalised explanation map of each class index (for MaxBoxAccV2), may be empty
 */
public record ImagePrediction(int[] labels, int[] rankedClasses, Map<Integer, Box> boxes,
	Map<Integer, float[]> maps)
{

	public ImagePrediction {
		boxes = boxes == null ? Map.of() : Map.copyOf(boxes);
		maps = maps == null ? Map.of() : Map.copyOf(maps);
	}
}
