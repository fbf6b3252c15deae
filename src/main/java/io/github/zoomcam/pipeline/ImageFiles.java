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
 * both readers fill the pixels of a truncated file with zeros without a word. Of a multi-series file
 * (.czi, .lif, ...) only the chosen series is read, through the importer's options.
 */
public final class ImageFiles {

	static final String BIO_FORMATS = "loci.plugins.BF";
	static final String IMPORTER_OPTIONS = "loci.plugins.in.ImporterOptions";
	static final String IMAGE_READER = "loci.formats.ImageReader";
	/** Opener names, as logged and written to result.json. */
	public static final String BIO_FORMATS_OPENER = "Bio-Formats";
	public static final String IMAGEJ_OPENER = "ImageJ";

	private ImageFiles() {}

	/**
	 * An opened file and how it was read.
	 *
	 * @param image the chosen series (the file itself where there are no series)
	 * @param opener {@link #BIO_FORMATS_OPENER} or {@link #IMAGEJ_OPENER}
	 * @param fallbackReason why Bio-Formats did not read it when ImageJ's opener did (one line), else null
	 * @param series 1-based series that was opened
	 * @param seriesCount series in the file; 1 where the file has none or they could not be counted
	 */
	public record Opened(ImagePlus image, String opener, String fallbackReason, int series, int seriesCount) {

		/** A file of one series. */
		public Opened(final ImagePlus image, final String opener, final String fallbackReason) {
			this(image, opener, fallbackReason, 1, 1);
		}

		/** "a.czi has 3 series; series 1 is explained (...)", or null for a file of one series. */
		public String seriesNote(final Path file) {
			if (seriesCount <= 1) return null;
			return file.getFileName() + " has " + seriesCount + " series; series " + series + " is explained (the " +
				"series setting, 1 to " + seriesCount + ", chooses another)";
		}
	}

	/** Opens the first series of a file; fails with a one-line message naming the file. */
	public static ImagePlus open(final Path file) {
		return read(file).image();
	}

	/** Opens the first series of a file and says which opener read it. */
	public static Opened read(final Path file) {
		return read(file, 1);
	}

	/**
	 * Opens one series of a file (1-based; Bio-Formats reads only that series) and says which opener read
	 * it. Without Bio-Formats every file has one series. Fails with a one-line message naming the file.
	 */
	public static Opened read(final Path file, final int series) {
		return read(file, series, BIO_FORMATS, IMPORTER_OPTIONS, IMAGE_READER);
	}

	static ImagePlus open(final Path file, final String bioFormatsClass) {
		return read(file, bioFormatsClass).image();
	}

	static Opened read(final Path file, final String bioFormatsClass) {
		return read(file, 1, bioFormatsClass, IMPORTER_OPTIONS, IMAGE_READER);
	}

	static Opened read(final Path file, final int series, final String bioFormatsClass, final String optionsClass,
		final String readerClass)
	{
		if (!Files.isRegularFile(file)) throw new ZoomCamException("image not found: " + file);
		if (!Files.isReadable(file)) throw new ZoomCamException("image not readable (permissions): " + file);
		if (series < 1) throw new ZoomCamException("series " + series + " does not exist; series are counted from 1");
		final String incomplete = TiffIntegrity.problem(file);
		if (incomplete != null) throw new ZoomCamException(incomplete);
		String bioFormatsProblem = null;
		final Method bf = bioFormats(bioFormatsClass);
		if (bf != null) {
			final int count = seriesCount(file, readerClass);
			if (count > 0 && series > count) {
				throw new ZoomCamException(file.getFileName() + " has " + count + " series; choose a series from 1 to " +
					count);
			}
			try {
				final ImagePlus[] images = openSeries(bf, file, series, optionsClass);
				if (images != null && images.length > 0 && usable(images[0])) {
					return new Opened(images[0], BIO_FORMATS_OPENER, null, series, Math.max(1, count));
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
		if (series > 1) {
			throw new ZoomCamException("cannot read series " + series + " of " + file + ": only Bio-Formats (in Fiji) " +
				"reads series of a file" + (bioFormatsProblem == null ? "" : " (" + bioFormatsProblem + ")") + "; open " +
				"it in Fiji to check");
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

	/**
	 * Only the chosen series through the importer's options (BF.openImagePlus(String) would read every
	 * series of the file); where the options class is missing, the path form and the series' entry.
	 */
	private static ImagePlus[] openSeries(final Method byPath, final Path file, final int series,
		final String optionsClass) throws ReflectiveOperationException
	{
		final Class<?> optionsType = load(optionsClass);
		if (optionsType == null) {
			final ImagePlus[] all = (ImagePlus[]) byPath.invoke(null, file.toString());
			if (all == null || all.length < series) return null;
			return new ImagePlus[] { all[series - 1] };
		}
		final Object options = optionsType.getConstructor().newInstance();
		optionsType.getMethod("setId", String.class).invoke(options, file.toString());
		optionsType.getMethod("setOpenAllSeries", boolean.class).invoke(options, false);
		final Method seriesOn = optionsType.getMethod("setSeriesOn", int.class, boolean.class);
		// The importer leaves series 0 on unless told otherwise.
		for (int s = 0; s < series; s++) seriesOn.invoke(options, s, s == series - 1);
		final Method byOptions = byPath.getDeclaringClass().getMethod("openImagePlus", optionsType);
		return (ImagePlus[]) byOptions.invoke(null, options);
	}

	/** The file's number of series from Bio-Formats' reader, or 0 when it cannot tell. */
	private static int seriesCount(final Path file, final String readerClass) {
		final Class<?> type = load(readerClass);
		if (type == null) return 0;
		Object reader = null;
		try {
			reader = type.getConstructor().newInstance();
			type.getMethod("setId", String.class).invoke(reader, file.toString());
			return (Integer) type.getMethod("getSeriesCount").invoke(reader);
		}
		catch (final ReflectiveOperationException | RuntimeException | LinkageError e) {
			return 0;
		}
		finally {
			if (reader != null) {
				try {
					type.getMethod("close").invoke(reader);
				}
				catch (final ReflectiveOperationException | RuntimeException e) {
					// closing a reader that failed to open; nothing to release
				}
			}
		}
	}

	private static Class<?> load(final String className) {
		try {
			return Class.forName(className, true, ImageFiles.class.getClassLoader());
		}
		catch (final ReflectiveOperationException | LinkageError e) {
			return null;
		}
	}

	/** The kind and first line of an exception's message, at most 200 characters. */
	static String oneLine(final Throwable e) {
		final String message = e.getMessage() == null ? "" : e.getMessage().strip().lines().findFirst().orElse("");
		final String text = e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
		return text.length() > 200 ? text.substring(0, 200) + "..." : text;
	}

	static Method bioFormats(final String className) {
		final Class<?> bf = load(className);
		if (bf == null) return null;
		try {
			return bf.getMethod("openImagePlus", String.class);
		}
		catch (final ReflectiveOperationException e) {
			return null;
		}
	}
}
