package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.List;

/**
 * The ceiling of image-guided labelling: the image's own foreground ({@link ImageGuidedLabeler#foreground})
 * with each basin (the unit that gets one class from the maps) given its true majority label, read from the
 * ground truth, and instances grouped exactly as the labeler groups them. No class map can do better with
 * these outlines, so a method's score between the floor (label nothing) and this ceiling shows how much of
 * what the outlines allow its maps deliver.
 */
public final class Ceiling {

	private Ceiling() {}

	/**
	 * Each basin takes the label most of its pixels have in {@code truthLabels} (0 = background counts as a
	 * label, so a basin that is mostly background, such as debris, stays background; pixels marked
	 * {@value ConfusionMatrix#IGNORE} do not vote; ties go to the lower label). Instances: the pixels of one
	 * class within one object, at least {@code minArea} pixels; an instance's score is the fraction of its
	 * pixels whose true label is its class.
	 *
	 * @param truthLabels 0 = background, class index + 1, 255 = ignore
	 * @param classNames class names by index
	 * @return an annotation with the ceiling's label image, instance image and instances; its class list is
	 *         empty
	 */
	public static ImageAnnotation annotate(final String imageName, final Foreground foreground,
		final int[] truthLabels, final List<String> classNames, final int minArea)
	{
		final int width = foreground.width();
		final int height = foreground.height();
		final int pixels = width * height;
		if (truthLabels == null) throw new ZoomCamException(imageName + ": ground-truth labels are missing (null)");
		Maps.requireSize(imageName + ": ground-truth labels", truthLabels.length, width, height);
		final int labels = classNames.size() + 1;
		final int[] basins = foreground.basinsShared();
		final int count = foreground.basinCount();
		final int[] votes = new int[(count + 1) * labels];
		for (int i = 0; i < pixels; i++) {
			final int b = basins[i];
			if (b == 0) continue;
			final int t = truthLabels[i];
			if (t == ConfusionMatrix.IGNORE) continue;
			if (t < 0 || t >= labels) {
				throw new ZoomCamException(imageName + ": ground-truth label " + t + " is outside 0.." + (labels - 1)
					+ " and is not " + ConfusionMatrix.IGNORE + " (ignore)");
			}
			votes[b * labels + t]++;
		}
		final int[] labelOf = new int[count + 1];
		for (int b = 1; b <= count; b++) {
			int best = 0;
			for (int l = 1; l < labels; l++) {
				if (votes[b * labels + l] > votes[b * labels + best]) best = l;
			}
			labelOf[b] = best;
		}
		final int[] pixelSlot = new int[pixels];
		for (int i = 0; i < pixels; i++) pixelSlot[i] = basins[i] == 0 ? -1 : labelOf[basins[i]] - 1;
		final ImageGuidedLabeler.Grouping groups = ImageGuidedLabeler.group(foreground, pixelSlot, classNames.size(),
			minArea);
		final int[] instanceImage = groups.instanceImage();
		final int[] labelImage = new int[pixels];
		final byte[] mask = new byte[pixels];
		final int[] agreeing = new int[groups.count() + 1];
		for (int i = 0; i < pixels; i++) {
			final int id = instanceImage[i];
			if (id == 0) continue;
			labelImage[i] = pixelSlot[i] + 1;
			mask[i] = (byte) 255;
			if (truthLabels[i] == labelImage[i]) agreeing[id]++;
		}
		final List<Instance> instances = new ArrayList<>();
		for (int id = 1; id <= groups.count(); id++) {
			final int c = groups.slot()[id];
			instances.add(new Instance(id, c, classNames.get(c), (float) agreeing[id] / groups.area()[id], groups.box(id),
				groups.area()[id]));
		}
		return new ImageAnnotation(imageName, width, height, List.of(), labelImage, mask, instances, instanceImage,
			foreground.warnings(), "ceiling");
	}
}
