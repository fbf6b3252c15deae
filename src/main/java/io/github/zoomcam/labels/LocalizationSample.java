package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One image for ILSVRC-style localization scoring: the classifier's classes best first, one predicted
 * box per class (at least for every ranked class that is evaluated and for every ground-truth class, the
 * latter for GT-known accuracy), and the ground-truth boxes of each class present in the image.
 * Class ids are whatever the caller uses (e.g. 0-based ImageNet indices); they only have to agree.
 */
public record LocalizationSample(String imageName, int[] rankedClasses, Map<Integer, Box> predictedBoxes,
	Map<Integer, List<Box>> groundTruthBoxes)
{

	public LocalizationSample {
		final String name = "image " + (imageName == null ? "(unnamed)" : imageName);
		if (rankedClasses == null || rankedClasses.length == 0) {
			throw new ZoomCamException(name + ": no predicted classes; give at least the top-1 class");
		}
		if (Arrays.stream(rankedClasses).distinct().count() != rankedClasses.length) {
			throw new ZoomCamException(name + ": predicted classes " + Arrays.toString(rankedClasses)
				+ " repeat a class; give each class once, best first");
		}
		if (groundTruthBoxes == null || groundTruthBoxes.isEmpty()) {
			throw new ZoomCamException(name + ": no ground-truth boxes; every scored image needs at least one");
		}
		Objects.requireNonNull(predictedBoxes, "predictedBoxes");
		final Map<Integer, List<Box>> truth = new LinkedHashMap<>();
		for (final Map.Entry<Integer, List<Box>> entry : groundTruthBoxes.entrySet()) {
			if (entry.getValue() == null || entry.getValue().isEmpty()) {
				throw new ZoomCamException(name + ": ground-truth class " + entry.getKey() + " has no box");
			}
			if (!predictedBoxes.containsKey(entry.getKey())) {
				throw new ZoomCamException(name + ": no predicted box for ground-truth class " + entry.getKey()
					+ "; compute the map of the ground-truth class too (needed for GT-known accuracy)");
			}
			truth.put(entry.getKey(), List.copyOf(entry.getValue()));
		}
		rankedClasses = rankedClasses.clone();
		predictedBoxes = Map.copyOf(predictedBoxes);
		groundTruthBoxes = Collections.unmodifiableMap(truth);
	}

	@Override
	public int[] rankedClasses() {
		return rankedClasses.clone();
	}

	/** Whether the box predicted for {@code classId} has IoU >= {@code minIoU} with a ground-truth box of that class. */
	public boolean hits(final int classId, final double minIoU) {
		final List<Box> truths = groundTruthBoxes.get(classId);
		final Box predicted = predictedBoxes.get(classId);
		if (truths == null || predicted == null) return false;
		for (final Box truth : truths) {
			if (predicted.iou(truth) >= minIoU) return true;
		}
		return false;
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof LocalizationSample s && Objects.equals(imageName, s.imageName)
			&& Arrays.equals(rankedClasses, s.rankedClasses) && predictedBoxes.equals(s.predictedBoxes)
			&& groundTruthBoxes.equals(s.groundTruthBoxes);
	}

	@Override
	public int hashCode() {
		return Objects.hash(imageName, Arrays.hashCode(rankedClasses), predictedBoxes, groundTruthBoxes);
	}

	@Override
	public String toString() {
		return "LocalizationSample[" + imageName + ", ranked=" + Arrays.toString(rankedClasses) + ", predicted="
			+ predictedBoxes + ", truth=" + groundTruthBoxes + "]";
	}
}
