package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.LayerSpec;

import java.util.Locale;

/** What an opened image must be before the engine sees it; shared by every entry point. */
public final class ImageChecks {

	/**
	 * An image may be at most this many times smaller than the model input on each side: the engine resizes
	 * every image to the input size, and beyond 8-fold enlargement the network sees interpolation, not the
	 * sample.
	 */
	public static final int MAX_ENLARGEMENT = 8;

	private ImageChecks() {}

	/**
	 * Why an image cannot be explained at all, or null: only 8-, 16-, 32-bit grey and RGB (24-bit) images
	 * with pixels are read.
	 */
	public static String problem(final ImagePlus image) {
		if (image == null) return "no image: open an image first";
		if (image.getWidth() < 1 || image.getHeight() < 1 || image.getStackSize() < 1) {
			return image.getTitle() + " is empty";
		}
		final int depth = image.getBitDepth();
		if (depth != 8 && depth != 16 && depth != 24 && depth != 32) {
			return image.getTitle() + " is a " + depth + "-bit image; convert it to 8-bit, 16-bit, 32-bit or RGB " +
				"Color (Image > Type)";
		}
		return null;
	}

	/**
	 * The smallest width (index 0) and height (index 1) this model explains: the larger of 1/{@value
	 * #MAX_ENLARGEMENT} of its input size and the stride of its coarsest layer (one cell of that layer's map
	 * then covers at least one image pixel).
	 */
	public static int[] minimumSize(final BundleManifest manifest) {
		final int stride = manifest.layers().stream().mapToInt(LayerSpec::stride).max().orElse(1);
		return new int[] { Math.max(stride, ceilDiv(manifest.width(), MAX_ENLARGEMENT)), Math.max(stride, ceilDiv(
			manifest.height(), MAX_ENLARGEMENT)) };
	}

	/** Why the image is too small for the model (one line), or null. */
	public static String sizeProblem(final String name, final int width, final int height,
		final BundleManifest manifest)
	{
		final int[] min = minimumSize(manifest);
		if (width >= min[0] && height >= min[1]) return null;
		final int stride = manifest.layers().stream().mapToInt(LayerSpec::stride).max().orElse(1);
		return name + " is " + width + "x" + height + " pixels, smaller than model '" + manifest.name() +
			"' explains (at least " + min[0] + "x" + min[1] + ": 1/" + MAX_ENLARGEMENT + " of its " + manifest.width() +
			"x" + manifest.height() + " input, and its coarsest layer's stride " + stride + "); use a larger image " +
			"or a larger crop";
	}

	/**
	 * A note when every pixel of the image has the same value (a blank field, an all-zero or saturated
	 * image), else null. A classifier's scores and maps on such an image are noise, so it gets no labels.
	 */
	public static String flatness(final ImageInput input) {
		final float[] values = new float[input.channels()];
		for (int c = 0; c < input.channels(); c++) {
			final float[] plane = input.planes()[c];
			final float first = plane[0];
			for (final float v : plane) {
				if (v != first) return null; // also true for NaN: the engine reports those
			}
			values[c] = first;
		}
		boolean zero = true;
		for (final float v : values) zero &= v == 0;
		final StringBuilder value = new StringBuilder();
		for (int c = 0; c < values.length; c++) {
			if (c > 0) value.append(", ");
			value.append(values[c] == Math.rint(values[c]) ? String.valueOf((long) values[c]) : String.format(
				Locale.ROOT, "%g", values[c]));
		}
		return input.name() + " is flat (every pixel " + (zero ? "is 0" : "has the value " + (values.length > 1
			? "(" + value + ")" : value)) + "): nothing to explain, no labels given";
	}

	/**
	 * {@link #flatness(ImageInput)} of one plane of an image, read from its pixels without converting the
	 * plane (a large image is explained in tiles and never becomes one float array); stops at the first pixel
	 * that differs.
	 *
	 * @param z 1-based slice
	 * @param t 1-based frame
	 */
	public static String flatness(final ImagePlus image, final String name, final int z, final int t) {
		final int type = image.getType();
		final float[][] first;
		if (type == ImagePlus.COLOR_RGB || type == ImagePlus.COLOR_256) {
			final ImageProcessor ip = image.getStack().getProcessor(image.getStackIndex(1, z, t));
			final int[] rgb = (int[]) (ip instanceof ColorProcessor ? ip : ip.convertToRGB()).getPixels();
			final int value = rgb[0] & 0xffffff;
			for (final int v : rgb) if ((v & 0xffffff) != value) return null;
			first = new float[][] { { (value >> 16) & 0xff }, { (value >> 8) & 0xff }, { value & 0xff } };
		}
		else {
			first = new float[image.getNChannels()][];
			for (int c = 0; c < first.length; c++) {
				final ImageProcessor ip = image.getStack().getProcessor(image.getStackIndex(c + 1, z, t));
				final float value = ip.getf(0);
				for (int i = 1, n = ip.getPixelCount(); i < n; i++) if (ip.getf(i) != value) return null;
				first[c] = new float[] { value };
			}
		}
		return flatness(new ImageInput(name, 1, 1, 32, first));
	}

	/**
	 * Checks the image's channels against the model before any model is loaded: RGB gives 3 channels, a
	 * hyperstack its channel count; a grey image given to an RGB model is replicated (with a warning). The
	 * advice fits the image: convert RGB to grey, split or pick a channel of a multi-channel image, or merge
	 * channels to RGB.
	 */
	public static void requireChannels(final ImagePlus image, final BundleManifest manifest) {
		final boolean rgb = image.getType() == ImagePlus.COLOR_RGB || image.getType() == ImagePlus.COLOR_256;
		final int channels = rgb ? 3 : image.getNChannels();
		final int wanted = manifest.channels();
		if (channels == wanted || (channels == 1 && wanted == 3)) return;
		final String kind = rgb ? "an RGB image" : channels == 1 ? "a grey image" : "a " + channels +
			"-channel image";
		final String expects = wanted == 1 ? "a grey image (1 channel)" : wanted == 3 ? "3 channels (RGB)" : wanted +
			" channels";
		final String advice;
		if (wanted == 1 && rgb) {
			advice = "convert it with Image > Type > 8-bit first";
		}
		else if (wanted == 1) {
			advice = "split its channels (Image > Color > Split Channels) and explain the channel the model was " +
				"trained on, or pick one with Image > Duplicate... (channels=c)";
		}
		else if (wanted == 3) {
			advice = channels == 2 ? "merge its channels into one RGB image (Image > Color > Stack to RGB, or " +
				"Image > Color > Merge Channels...) first" : "keep three channels (Image > Duplicate... channels=1-3) " +
					"and merge them to RGB (Image > Color > Stack to RGB) first";
		}
		else {
			advice = "give an image with exactly " + wanted + " channels (Image > Color > Make Composite, Split " +
				"Channels or Image > Duplicate...)";
		}
		throw new ZoomCamException(image.getTitle() + " is " + kind + " but model '" + manifest.name() +
			"' expects " + expects + "; " + advice);
	}

	/** Type, channels and size, failing with the first problem. */
	public static void require(final ImagePlus image, final BundleManifest manifest) {
		final String problem = problem(image);
		if (problem != null) throw new ZoomCamException(problem);
		requireChannels(image, manifest);
		final String small = sizeProblem(image.getTitle(), image.getWidth(), image.getHeight(), manifest);
		if (small != null) throw new ZoomCamException(small);
	}

	private static int ceilDiv(final int a, final int b) {
		return (a + b - 1) / b;
	}
}
