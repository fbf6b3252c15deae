package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.List;

/** Turns the class maps of one image into masks, components, boxes and a fused label image. */
public final class Annotator {

	private Annotator() {}

	/**
	 * Pseudo-labels each class map, then fuses them as the paper does for PASCAL VOC: every pixel takes the
	 * class whose map (scaled by its own maximum, so classes with weaker evidence compete fairly) is highest
	 * there. Only pixels inside a class's kept components can take that class, so the label image agrees
	 * with the ROIs and boxes; where the winner is below the background fraction the pixel is background.
	 */
	public static ImageAnnotation annotate(final String imageName, final int width, final int height,
		final List<ClassMap> maps, final AnnotationOptions options)
	{
		final PseudoLabeler labeler = options.labeler();
		final List<ClassAnnotation> classes = new ArrayList<>();
		final List<float[]> candidates = new ArrayList<>();
		final int[] indices = new int[maps.size()];
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
		return new ImageAnnotation(imageName, width, height, classes, labels, union);
	}
}
