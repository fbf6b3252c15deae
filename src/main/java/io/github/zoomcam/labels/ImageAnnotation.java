package io.github.zoomcam.labels;

import java.util.List;

/**
 * All pseudo-labels of one image.
 *
 * @param imageName the image's name, as it appears in tables
 * @param width image width
 * @param height image height
 * @param classes one entry per explained class, in the order the classes were given
 * @param labelImage row-major, 0 = background, k = class index + 1
 * @param mask row-major union of every class's kept components, 0 or (byte) 255
 */
public record ImageAnnotation(String imageName, int width, int height, List<ClassAnnotation> classes,
	int[] labelImage, byte[] mask)
{

	public ImageAnnotation {
		classes = List.copyOf(classes);
		labelImage = labelImage.clone();
		mask = mask.clone();
	}

	@Override
	public int[] labelImage() {
		return labelImage.clone();
	}

	@Override
	public byte[] mask() {
		return mask.clone();
	}

	/** Number of kept components over all classes. */
	public int componentCount() {
		return classes.stream().mapToInt(c -> c.label().components().size()).sum();
	}
}
