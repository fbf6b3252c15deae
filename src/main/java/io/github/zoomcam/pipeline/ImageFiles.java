package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.ImagePlus;
import io.github.zoomcam.core.ZoomCamException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one image opener of the plugin: Bio-Formats (loci.plugins.BF, shipped with every Fiji) when it is
 * on the classpath, ImageJ's own opener otherwise. Bio-Formats is called reflectively because its
 * readers are not on Maven Central. A TIFF is first checked for completeness ({@link TiffIntegrity}):
 * both readers fill the pixels of a truncated file with zeros without a word.
 */
public final class ImageFiles {

	static final String BIO_FORMATS = "loci.plugins.BF";
	/** Opener names, as logged and written to result.json. */
	public static final String BIO_FORMATS_OPENER = "Bio-Formats";
	public static final String IMAGEJ_OPENER = "ImageJ";

	private ImageFiles() {}

	/**
	 * An opened file and how it was read.
	 *
	 * @param image the first series
	 * @param opener {@link #BIO_FORMATS_OPENER} or {@link #IMAGEJ_OPENER}
	 * @param fallbackReason why Bio-Formats did not read it when ImageJ's opener did (one line), else null
	 */
	public record Opened(ImagePlus image, String opener, String fallbackReason) {}

	/** Opens the first series of a file; fails with a one-line message naming the file. */
	public static ImagePlus open(final Path file) {
		return read(file).image();
	}

	/** Opens the first series of a file and says which opener read it. */
	public static Opened read(final Path file) {
		return read(file, BIO_FORMATS);
	}

	static ImagePlus open(final Path file, final String bioFormatsClass) {
		return read(file, bioFormatsClass).image();
	}

	static Opened read(final Path file, final String bioFormatsClass) {
		if (!Files.isRegularFile(file)) throw new ZoomCamException("image not found: " + file);
		if (!Files.isReadable(file)) throw new ZoomCamException("image not readable (permissions): " + file);
		final String incomplete = TiffIntegrity.problem(file);
		if (incomplete != null) throw new ZoomCamException(incomplete);
		String bioFormatsProblem = null;
		final Method bf = bioFormats(bioFormatsClass);
		if (bf != null) {
			try {
				final ImagePlus[] images = (ImagePlus[]) bf.invoke(null, file.toString());
				if (images != null && images.length > 0 && usable(images[0])) {
					return new Opened(images[0], BIO_FORMATS_OPENER, null);
				}
				bioFormatsProblem = "Bio-Formats found no image in it";
			}
			catch (final InvocationTargetException e) {
				bioFormatsProblem = "Bio-Formats: " + oneLine(e.getCause() == null ? e : e.getCause());
			}
			catch (final ReflectiveOperationException | RuntimeException | LinkageError e) {
				bioFormatsProblem = "Bio-Formats: " + oneLine(e);
			}
		}
		final ImagePlus image = IJ.openImage(file.toString());
		if (usable(image)) return new Opened(image, IMAGEJ_OPENER, bioFormatsProblem);
		throw new ZoomCamException("cannot read image " + file + ": " + (bioFormatsProblem == null ? ""
			: bioFormatsProblem + "; ") + "ImageJ's opener: not a readable image format, or the file is damaged; " +
			"open it in Fiji to check");
	}

	private static boolean usable(final ImagePlus image) {
		return image != null && image.getWidth() > 0 && image.getStack() != null && image.getStack().getSize() > 0;
	}

	/** The kind and first line of an exception's message, at most 200 characters. */
	static String oneLine(final Throwable e) {
		final String message = e.getMessage() == null ? "" : e.getMessage().strip().lines().findFirst().orElse("");
		final String text = e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
		return text.length() > 200 ? text.substring(0, 200) + "..." : text;
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
