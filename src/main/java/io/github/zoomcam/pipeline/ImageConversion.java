package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.core.ZoomCamException;

/** Converts between ImageJ images and the engine's plain arrays. */
public final class ImageConversion {

	private ImageConversion() {}

	/**
	 * The pixels of one plane position of an image: RGB gives three channels, a multi-channel hyperstack
	 * gives its channels at the given slice and frame, anything else one grey channel.
	 *
	 * @param z 1-based slice
	 * @param t 1-based frame
	 */
	public static ImageInput toInput(final ImagePlus image, final String name, final int z, final int t) {
		final int w = image.getWidth();
		final int h = image.getHeight();
		final int type = image.getType();
		if (type == ImagePlus.COLOR_RGB || type == ImagePlus.COLOR_256) {
			final int index = image.getStackIndex(1, z, t);
			final ImageProcessor ip = image.getStack().getProcessor(index);
			final ColorProcessor cp = ip instanceof ColorProcessor c ? c : (ColorProcessor) ip.convertToRGB();
			final float[][] planes = new float[3][w * h];
			final int[] rgb = (int[]) cp.getPixels();
			for (int i = 0; i < rgb.length; i++) {
				planes[0][i] = (rgb[i] >> 16) & 0xff;
				planes[1][i] = (rgb[i] >> 8) & 0xff;
				planes[2][i] = rgb[i] & 0xff;
			}
			return new ImageInput(name, w, h, 8, planes);
		}
		final int bitDepth = image.getBitDepth();
		if (bitDepth != 8 && bitDepth != 16 && bitDepth != 32) {
			throw new ZoomCamException(name + ": unsupported image type (" + bitDepth +
				"-bit); convert to 8-bit, 16-bit, 32-bit or RGB");
		}
		final int channels = image.getNChannels();
		final float[][] planes = new float[channels][];
		for (int c = 0; c < channels; c++) {
			final ImageProcessor ip = image.getStack().getProcessor(image.getStackIndex(c + 1, z, t));
			planes[c] = toFloats(ip);
		}
		return new ImageInput(name, w, h, bitDepth, planes);
	}

	/** The current plane of the image. */
	public static ImageInput toInput(final ImagePlus image, final String name) {
		return toInput(image, name, Math.max(1, image.getZ()), Math.max(1, image.getT()));
	}

	private static float[] toFloats(final ImageProcessor ip) {
		final int n = ip.getPixelCount();
		final float[] out = new float[n];
		final Object pixels = ip.getPixels();
		if (pixels instanceof byte[] b) {
			for (int i = 0; i < n; i++) out[i] = b[i] & 0xff;
		}
		else if (pixels instanceof short[] s) {
			for (int i = 0; i < n; i++) out[i] = s[i] & 0xffff;
		}
		else if (pixels instanceof float[] f) {
			System.arraycopy(f, 0, out, 0, n);
		}
		else {
			throw new ZoomCamException("unsupported pixel type " + pixels.getClass().getSimpleName());
		}
		return out;
	}

	/**
	 * A FloatProcessor on the map's own values, for writing a file and nothing else: nothing may change its
	 * pixels (a large map is not copied to be written).
	 */
	public static ij.process.FloatProcessor sharedProcessor(final FloatMap map) {
		return new ij.process.FloatProcessor(map.width(), map.height(), map.sharedValues());
	}

	/** A FloatProcessor holding a copy of the map. */
	public static ij.process.FloatProcessor toProcessor(final FloatMap map) {
		return new ij.process.FloatProcessor(map.width(), map.height(), map.toArray());
	}
}
