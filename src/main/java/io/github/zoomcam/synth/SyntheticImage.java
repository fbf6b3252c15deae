package io.github.zoomcam.synth;

import java.util.List;

/**
 * One generated image with its exact ground truth. Arrays are row-major, index = y * width + x; they are shared,
 * not copied, so treat them as read-only.
 *
 * @param index position in the data set; the image depends only on the data set seed and this index
 * @param pixels one array per channel, values 0..2^bitDepth - 1
 * @param classLabels 0 = background, otherwise {@link SynthClass#labelValue()}; where objects overlap the one
 *          drawn later wins
 * @param instanceIds 0 = background, otherwise the {@link InstanceBox#id()} owning the pixel
 * @param instances in id order (ids 1..n without gaps)
 */
public record SyntheticImage(int index, int width, int height, int bitDepth, int[][] pixels, int[] classLabels,
	int[] instanceIds, List<InstanceBox> instances)
{

	public SyntheticImage {
		instances = List.copyOf(instances);
	}

	/** The file name without extension, shared by the image and its label and instance files. */
	public String name() {
		return nameOf(index);
	}

	public static String nameOf(final int index) {
		return String.format("img_%05d", index);
	}

	public int channels() {
		return pixels.length;
	}

	public int pixel(final int channel, final int x, final int y) {
		return pixels[channel][y * width + x];
	}

	public boolean contains(final SynthClass synthClass) {
		for (final InstanceBox instance : instances) {
			if (instance.synthClass() == synthClass) return true;
		}
		return false;
	}

	/** The image-level multi-label: entry k is true when class k has at least one visible pixel. */
	public boolean[] classesPresent() {
		final boolean[] present = new boolean[SynthClass.values().length];
		for (final InstanceBox instance : instances) {
			present[instance.synthClass().index()] = true;
		}
		return present;
	}
}
