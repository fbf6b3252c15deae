package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.List;

/**
 * Scores one way of making pseudo-labels over a data set, image by image: per-class IoU and mIoU of the
 * label image (PASCAL VOC, class 0 = background), one-to-one instance box matching (same class, box IoU >=
 * 0.5; {@link InstanceMatching}) with its recall, precision and small-object recall, and the time the
 * labelling took. Not thread-safe.
 */
public final class RefinementEvaluation {

	private final String name;
	private final List<String> classNames;
	private final ConfusionMatrix confusion;
	private final InstanceMatching matching;
	private long wallNanos;
	private long cpuNanos;
	private int timedImages;

	/**
	 * @param name the row's name, e.g. "zoomcam image"
	 * @param classNames the class names by index (without the background)
	 * @param smallArea truth instances with fewer pixels count as small
	 */
	public RefinementEvaluation(final String name, final List<String> classNames, final int smallArea) {
		if (name == null || classNames == null) throw new ZoomCamException("an evaluation needs a name and class names");
		this.name = name;
		this.classNames = List.copyOf(classNames);
		this.confusion = new ConfusionMatrix(classNames.size());
		this.matching = new InstanceMatching(InstanceMatching.DEFAULT_MIN_IOU, smallArea);
	}

	/**
	 * Adds one image.
	 *
	 * @param truthLabels 0 = background, class index + 1, {@value ConfusionMatrix#IGNORE} = ignore
	 * @param truthBoxes one box per true instance
	 * @param predictedLabels the label image of the pseudo-labels, same coding
	 * @param predictedBoxes one box per predicted instance
	 */
	public void add(final String imageName, final int[] truthLabels, final List<ClassBox> truthBoxes,
		final int[] predictedLabels, final List<ClassBox> predictedBoxes)
	{
		confusion.add(imageName, truthLabels, predictedLabels);
		matching.add(truthBoxes, predictedBoxes);
	}

	/** Adds one image's pseudo-labels: its label image and one box per instance. */
	public void add(final String imageName, final int[] truthLabels, final List<ClassBox> truthBoxes,
		final ImageAnnotation predicted)
	{
		add(imageName, truthLabels, truthBoxes, predicted.labelImage(), predicted.instances().stream().map(
			ClassBox::of).toList());
	}

	/** Adds the time the labelling of {@code images} images took: wall clock and CPU time of the threads that did it, in nanoseconds. */
	public void addTime(final long wall, final long cpu, final int images) {
		wallNanos += wall;
		cpuNanos += cpu;
		timedImages += images;
	}

	public Report report() {
		return new Report(name, classNames, confusion.ious(), confusion.meanIoU(), matching.recall(), matching
			.precision(), matching.smallObjectRecall(), matching.truthInstances(), matching.predictedInstances(),
			timedImages == 0 ? Double.NaN : wallNanos / 1e6 / timedImages, timedImages == 0 ? Double.NaN : cpuNanos
				/ 1e6 / timedImages);
	}

	/**
	 * The scores (fractions in [0, 1], NaN when undefined) and times of one labelling.
	 *
	 * @param classIoU background first, then one per class
	 * @param msWall mean wall-clock milliseconds per image; NaN when not timed
	 * @param msCpu mean CPU milliseconds per image (of the threads that labelled); NaN when not timed
	 */
	public record Report(String name, List<String> classNames, double[] classIoU, double meanIoU, double boxRecall,
		double boxPrecision, double smallRecall, long truthInstances, long predictedInstances, double msWall,
		double msCpu)
	{

		public Report {
			classNames = List.copyOf(classNames);
			classIoU = classIoU.clone();
		}

		@Override
		public double[] classIoU() {
			return classIoU.clone();
		}
	}
}
