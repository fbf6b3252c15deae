package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.List;

/**
 * All pseudo-labels of one image.
 *
 * @param imageName the image's name, as it appears in tables
 * @param width image width
 * @param height image height
 * @param classes one entry per explained class, in the order the classes were given; its
 *        {@link PseudoLabel} holds that class's pixels and one component per instance of the class
 * @param labelImage row-major, 0 = background, k = class index + 1
 * @param mask row-major union of every class's kept components, 0 or (byte) 255
 * @param instances one entry per labelled object, in id order (ids 1..n)
 * @param instanceImage row-major, 0 = background, k = the id of the instance owning the pixel (as StarDist
 *        writes); every labelled pixel of {@code labelImage} belongs to an instance of its class
 * @param warnings one-line notes on the input (e.g. a flat image), empty when all went well
 * @param refinement how the labels were made: {@link RefineOptions#toString()} (e.g. "none")
 */
public record ImageAnnotation(String imageName, int width, int height, List<ClassAnnotation> classes,
	int[] labelImage, byte[] mask, List<Instance> instances, int[] instanceImage, List<String> warnings,
	String refinement)
{

	public ImageAnnotation {
		classes = List.copyOf(classes);
		labelImage = labelImage.clone();
		mask = mask.clone();
		instances = List.copyOf(instances);
		instanceImage = instanceImage.clone();
		warnings = List.copyOf(warnings);
		Maps.pixelCount("annotation of " + imageName, width, height);
		Maps.requireSize("label image of " + imageName, labelImage.length, width, height);
		Maps.requireSize("mask of " + imageName, mask.length, width, height);
		Maps.requireSize("instance image of " + imageName, instanceImage.length, width, height);
		for (int i = 0; i < instances.size(); i++) {
			if (instances.get(i).id() != i + 1) {
				throw new ZoomCamException("instances of " + imageName + " must have ids 1.." + instances.size()
					+ " in order; entry " + (i + 1) + " has id " + instances.get(i).id());
			}
		}
	}

	@Override
	public int[] labelImage() {
		return labelImage.clone();
	}

	@Override
	public byte[] mask() {
		return mask.clone();
	}

	@Override
	public int[] instanceImage() {
		return instanceImage.clone();
	}

	/** Number of kept components over all classes. */
	public int componentCount() {
		return classes.stream().mapToInt(c -> c.label().components().size()).sum();
	}

	/** Whether nothing was labelled. */
	public boolean isEmpty() {
		return instances.isEmpty();
	}
}
