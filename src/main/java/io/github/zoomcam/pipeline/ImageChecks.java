package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.BundleManifest;

/** What an opened image must be before the engine sees it; shared by every entry point. */
public final class ImageChecks {

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
	 * Checks the image's channels against the model before any model is loaded: RGB gives 3 channels, a
	 * hyperstack its channel count; a grey image given to an RGB model is replicated (with a warning).
	 */
	public static void requireChannels(final ImagePlus image, final BundleManifest manifest) {
		final boolean rgb = image.getType() == ImagePlus.COLOR_RGB || image.getType() == ImagePlus.COLOR_256;
		final int channels = rgb ? 3 : image.getNChannels();
		if (channels == manifest.channels() || (channels == 1 && manifest.channels() == 3)) return;
		final String kind = rgb ? "an RGB image" : channels == 1 ? "a grey image" : "a " + channels +
			"-channel image";
		throw new ZoomCamException(image.getTitle() + " is " + kind + " but model '" + manifest.name() +
			"' expects " + (manifest.channels() == 1 ? "a grey image (1 channel); convert it with Image > Type > " +
				"8-bit" : manifest.channels() + " channels; convert it with Image > Type > RGB Color") + " first");
	}

	/** Both checks, failing with the first problem. */
	public static void require(final ImagePlus image, final BundleManifest manifest) {
		final String problem = problem(image);
		if (problem != null) throw new ZoomCamException(problem);
		requireChannels(image, manifest);
	}
}
