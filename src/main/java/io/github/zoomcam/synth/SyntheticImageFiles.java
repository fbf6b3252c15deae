package io.github.zoomcam.synth;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.core.AtomicFiles;

import java.nio.file.Path;

/**
 * ImageJ views of a synthetic image and its ground truth, and TIFF writing. Formats: 8-bit grey, 8-bit RGB
 * (3 channels), 16-bit grey, or a 16-bit 3-channel hyperstack; label and instance images are 16-bit grey.
 */
public final class SyntheticImageFiles {

	private SyntheticImageFiles() {}

	public static ImagePlus image(final SyntheticImage image) {
		final int w = image.width();
		final int h = image.height();
		final int[][] pixels = image.pixels();
		if (image.channels() == 3 && image.bitDepth() == 8) {
			final int[] rgb = new int[w * h];
			for (int p = 0; p < rgb.length; p++) {
				rgb[p] = (pixels[0][p] << 16) | (pixels[1][p] << 8) | pixels[2][p];
			}
			return new ImagePlus(image.name(), new ColorProcessor(w, h, rgb));
		}
		final ImageStack stack = new ImageStack(w, h);
		for (final int[] channel : pixels) {
			stack.addSlice(image.bitDepth() == 8 ? bytes(w, h, channel) : shorts(w, h, channel));
		}
		final ImagePlus imp = new ImagePlus(image.name(), stack);
		if (image.channels() > 1) {
			imp.setDimensions(image.channels(), 1, 1);
			imp.setOpenAsHyperStack(true);
		}
		return imp;
	}

	/** 16-bit: 0 = background, k = class index + 1. */
	public static ImagePlus classLabels(final SyntheticImage image) {
		return new ImagePlus(image.name(), shorts(image.width(), image.height(), image.classLabels()));
	}

	/** 16-bit: 0 = background, 1..n = instance id. */
	public static ImagePlus instanceIds(final SyntheticImage image) {
		return new ImagePlus(image.name(), shorts(image.width(), image.height(), image.instanceIds()));
	}

	/**
	 * Written under a temporary name and renamed, so a partial file never carries the final name. (Kept here
	 * rather than shared with the heat-map writer so the data set format does not change with it.)
	 */
	public static void writeTiff(final ImagePlus image, final Path target) {
		AtomicFiles.write(target, temporary -> {
			final FileSaver saver = new FileSaver(image);
			final boolean written = image.getStackSize() > 1 ? saver.saveAsTiffStack(temporary.toString()) : saver
				.saveAsTiff(temporary.toString());
			if (!written) {
				throw new ZoomCamException("ImageJ could not write " + target + "; check the disk and the folder");
			}
		});
	}

	private static ImageProcessor bytes(final int w, final int h, final int[] values) {
		final byte[] out = new byte[values.length];
		for (int p = 0; p < out.length; p++) out[p] = (byte) values[p];
		return new ByteProcessor(w, h, out);
	}

	private static ImageProcessor shorts(final int w, final int h, final int[] values) {
		final short[] out = new short[values.length];
		for (int p = 0; p < out.length; p++) out[p] = (short) values[p];
		return new ShortProcessor(w, h, out, null);
	}
}
