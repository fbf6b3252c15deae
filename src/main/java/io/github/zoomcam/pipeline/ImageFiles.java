package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.ImagePlus;
import io.github.zoomcam.core.ZoomCamException;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one image opener of the plugin: Bio-Formats (loci.plugins.BF, shipped with every Fiji) when it is
 * on the classpath, ImageJ's own opener otherwise. Bio-Formats is called reflectively because its
 * readers are not on Maven Central.
 */
public final class ImageFiles {

	static final String BIO_FORMATS = "loci.plugins.BF";

	private ImageFiles() {}

	/** Opens the first series of a file; fails with a one-line message naming the file. */
	public static ImagePlus open(final Path file) {
		return open(file, BIO_FORMATS);
	}

	static ImagePlus open(final Path file, final String bioFormatsClass) {
		if (!Files.isRegularFile(file)) throw new ZoomCamException("image not found: " + file);
		if (!Files.isReadable(file)) throw new ZoomCamException("image not readable (permissions): " + file);
		ImagePlus image = null;
		final Method bf = bioFormats(bioFormatsClass);
		if (bf != null) {
			try {
				final ImagePlus[] images = (ImagePlus[]) bf.invoke(null, file.toString());
				if (images != null && images.length > 0) image = images[0];
			}
			catch (final ReflectiveOperationException | RuntimeException e) {
				image = null; // fall back to ImageJ's opener below
			}
		}
		if (image == null) {
			image = IJ.openImage(file.toString());
		}
		if (image == null || image.getWidth() == 0 || image.getStack() == null || image.getStack().getSize() == 0) {
			throw new ZoomCamException("cannot read image " + file + ": not a readable image format, or the file " +
				"is damaged; open it in Fiji to check");
		}
		return image;
	}

	static Method bioFormats(final String className) {
		try {
			final Class<?> bf = Class.forName(className, true, ImageFiles.class.getClassLoader());
			return bf.getMethod("openImagePlus", String.class);
		}
		catch (final ReflectiveOperationException | LinkageError e) {
			return null;
		}
	}
}
