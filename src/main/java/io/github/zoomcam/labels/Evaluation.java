package io.github.zoomcam.labels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates the paper's scores for one method over a data set: one confusion matrix over all images
 * (PASCAL VOC convention), ILSVRC-style localization, MaxBoxAccV2 and small-object recall.
 */
public final class Evaluation {

	private final String method;
	private final List<String> classNames;
	private final ConfusionMatrix confusion;
	private final LocalizationEvaluator localization = new LocalizationEvaluator();
	private final MaxBoxAccV2 maxBoxAcc = new MaxBoxAccV2();
	private final SmallObjectRecall smallObjects;
	private int segmented;

	/**
	 * @param classNames the classes without background, in label order (label k = classNames[k - 1])
	 * @param smallObjectArea instances with fewer pixels than this count as small
	 */
	public Evaluation(final String method, final List<String> classNames, final int smallObjectArea) {
		this.method = method;
		this.classNames = List.copyOf(classNames);
		this.confusion = new ConfusionMatrix(classNames.size());
		this.smallObjects = new SmallObjectRecall(smallObjectArea);
	}

	public void add(final ImageTruth truth, final ImagePrediction prediction) {
		final int w = truth.width();
		final int h = truth.height();
		if (truth.labels() != null && prediction.labels() != null) {
			confusion.add(truth.name(), truth.labels(), prediction.labels());
			segmented++;
			if (truth.instances() != null) {
				smallObjects.add(truth.name(), truth.instances(), truth.labels(), prediction.labels(), w, h);
			}
		}
		if (!truth.boxes().isEmpty() && prediction.rankedClasses() != null) {
			final Map<Integer, Box> boxes = new HashMap<>(prediction.boxes());
			// A class the method left without a box is a miss, not an error.
			for (final Integer c : truth.boxes().keySet()) boxes.putIfAbsent(c, new Box(0, 0, 0, 0));
			for (final int c : prediction.rankedClasses()) boxes.putIfAbsent(c, new Box(0, 0, 0, 0));
			localization.add(new LocalizationSample(truth.name(), prediction.rankedClasses(), boxes, truth.boxes()));
		}
		for (final Map.Entry<Integer, List<Box>> entry : truth.boxes().entrySet()) {
			final float[] map = prediction.maps().get(entry.getKey());
			if (map != null) maxBoxAcc.add(truth.name() + " / " + className(entry.getKey()), map, w, h, entry.getValue());
		}
	}

	private String className(final int index) {
		return index >= 0 && index < classNames.size() ? classNames.get(index) : "class " + index;
	}

	/** Images that contributed to the confusion matrix. */
	public int segmentedImages() {
		return segmented;
	}

	public int localizedImages() {
		return localization.images();
	}

	public int smallInstances() {
		return smallObjects.smallInstances();
	}

	public EvaluationReport report() {
		EvaluationReport report = EvaluationReport.of(method);
		final List<String> names = new ArrayList<>();
		names.add("background");
		names.addAll(classNames);
		if (segmented > 0) report = report.withSegmentation(names, confusion);
		else report = report.withSegmentation(names, new ConfusionMatrix(classNames.size()));
		if (localization.images() > 0) report = report.withLocalization(localization.result());
		if (maxBoxAcc.images() > 0) report = report.withMaxBoxAccV2(maxBoxAcc.value());
		if (smallObjects.smallInstances() > 0) report = report.withSmallObjectRecall(smallObjects.recall());
		return report;
	}
}
