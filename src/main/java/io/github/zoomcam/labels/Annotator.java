package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.List;

/** Turns the class maps of one image into masks, components, instances, boxes and label images. */
public final class Annotator {

	private Annotator() {}

	/**
	 * Pseudo-labels with the refinement the options ask for. {@code none} is the paper's protocol
	 * ({@link #annotate(String, int, int, List, AnnotationOptions)}) and ignores {@code guide};
	 * {@code image} takes object outlines from {@code guide} and classes from the maps
	 * ({@link ImageGuidedLabeler}).
	 *
	 * @param maps one normalised map per explained class, each width * height values
	 * @param guide the grey image the maps explain, at the maps' size, row-major, raw intensities of any
	 *        range (for colour images a luminance or channel mean); may be null only for {@code none}
	 */
	public static ImageAnnotation annotate(final String imageName, final int width, final int height,
		final List<ClassMap> maps, final float[] guide, final AnnotationOptions options)
	{
		if (options == null) throw new ZoomCamException("no annotation options given; use AnnotationOptions.defaults");
		if (options.refine().isNone()) return annotate(imageName, width, height, maps, options);
		return ImageGuidedLabeler.annotate(imageName, width, height, maps, guide, options.refine());
	}

	/**
	 * The paper's protocol (refinement {@code none}): pseudo-labels each class map, then fuses them as the
	 * paper does for PASCAL VOC: every pixel takes the class whose map (scaled by its own maximum, so
	 * classes with weaker evidence compete fairly) is highest there. Only pixels inside a class's kept
	 * components can take that class, so the label image agrees with the ROIs and boxes; where the winner is
	 * below the background fraction the pixel is background.
	 *
	 * <p>Each kept component of each class is one instance (classes in the given order, components in label
	 * order), with the component's box and area; its score is the component's mean map value divided by
	 * the map's maximum. Components of different classes may overlap; in the instance image a pixel
	 * belongs to the instance of the class the label image gives it, so an instance can own fewer pixels
	 * there than its area.
	 */
	public static ImageAnnotation annotate(final String imageName, final int width, final int height,
		final List<ClassMap> maps, final AnnotationOptions options)
	{
		final PseudoLabeler labeler = options.labeler();
		final List<ClassAnnotation> classes = new ArrayList<>();
		final List<float[]> candidates = new ArrayList<>();
		final int[] indices = new int[maps.size()];
		final float[] mapMaxima = new float[maps.size()];
		final int pixels = width * height;
		final byte[] union = new byte[pixels];
		for (int m = 0; m < maps.size(); m++) {
			final ClassMap classMap = maps.get(m);
			if (classMap.map().length != pixels) {
				throw new ZoomCamException("map of class " + classMap.className() + " has " + classMap.map().length +
					" values but the image is " + width + "x" + height);
			}
			final PseudoLabel label = labeler.label(imageName + " / " + classMap.className(), classMap.map(), width,
				height);
			classes.add(new ClassAnnotation(classMap.classIndex(), classMap.className(), classMap.score(), label));
			float max = 0f;
			for (final float v : classMap.map()) max = Math.max(max, v);
			mapMaxima[m] = max;
			final double background = Double.isNaN(options.backgroundFraction()) ? 0 : options.backgroundFraction();
			final float[] candidate = new float[pixels];
			final byte[] mask = label.mask();
			for (int i = 0; i < pixels; i++) {
				if (mask[i] != 0) {
					union[i] = (byte) 255;
					final float scaled = classMap.map()[i] / max;
					// Outside the kept components a class cannot win; below the background fraction neither.
					if (scaled >= background) candidate[i] = scaled;
				}
			}
			candidates.add(candidate);
			indices[m] = classMap.classIndex();
		}
		final int[] labels = LabelImages.fromClassMaps(candidates, indices, width, height, Float.MIN_VALUE);
		final List<Instance> instances = new ArrayList<>();
		final int[] instanceImage = new int[pixels];
		for (int m = 0; m < classes.size(); m++) {
			final ClassAnnotation c = classes.get(m);
			final List<Component> components = c.label().components();
			if (components.isEmpty()) continue;
			final int firstId = instances.size() + 1;
			for (final Component k : components) {
				final float score = mapMaxima[m] > 0 ? (float) (k.meanValue() / mapMaxima[m]) : 0f;
				instances.add(new Instance(instances.size() + 1, c.classIndex(), c.className(), score, k.box(),
					k.area()));
			}
			// The kept components are separate components of the class mask too, and both number them by
			// their first pixel in raster order, so mask component j is kept component j.
			final int[] componentOf = ConnectedComponents.of(c.label().mask(), width, height).labels();
			final int label = c.classIndex() + 1;
			for (int i = 0; i < pixels; i++) {
				if (labels[i] == label && componentOf[i] != 0 && instanceImage[i] == 0) {
					instanceImage[i] = firstId + componentOf[i] - 1;
				}
			}
		}
		return new ImageAnnotation(imageName, width, height, classes, labels, union, instances, instanceImage,
			List.of(), RefineOptions.Mode.NONE.id());
	}
}
