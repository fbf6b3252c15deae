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
	static final String IMPORTER_OPTIONS = "loci.plugins.in.ImporterOptions";
	static final String IMAGE_READER = "loci.formats.ImageReader";

	private ImageFiles() {}

	/**
	 * An opened file.
	 *
	 * @param image the chosen series (the file itself where there are no series)
	 * @param series 1-based series that was opened
	 * @param seriesCount series in the file; 1 where the file has none or they could not be counted
	 */
	public record Opened(ImagePlus image, int series, int seriesCount) {

		/** "a.czi has 3 series; series 1 is explained (series=2 to 3 choose another)", or null for one series. */
		public String seriesNote(final Path file) {
			if (seriesCount <= 1) return null;
			return file.getFileName() + " has " + seriesCount + " series; series " + series + " is explained (the " +
				"series setting, 1 to " + seriesCount + ", chooses another)";
		}
	}

	/** Opens the first series of a file; fails with a one-line message naming the file. */
	public static ImagePlus open(final Path file) {
		return open(file, 1).image();
	}

	/**
	 * Opens one series of a file (1-based; Bio-Formats reads only that series). Without Bio-Formats every
	 * file has one series. Fails with a one-line message naming the file.
	 */
	public static Opened open(final Path file, final int series) {
		return open(file, series, BIO_FORMATS, IMPORTER_OPTIONS, IMAGE_READER);
	}

	static ImagePlus open(final Path file, final String bioFormatsClass) {
		return open(file, 1, bioFormatsClass, IMPORTER_OPTIONS, IMAGE_READER).image();
	}

	static Opened open(final Path file, final int series, final String bioFormatsClass, final String optionsClass,
		final String readerClass)
	{
		if (!Files.isRegularFile(file)) throw new ZoomCamException("image not found: " + file);
		if (!Files.isReadable(file)) throw new ZoomCamException("image not readable (permissions): " + file);
		if (series < 1) throw new ZoomCamException("series " + series + " does not exist; series are counted from 1");
		ImagePlus image = null;
		int count = 1;
		final Method bf = bioFormats(bioFormatsClass);
		if (bf != null) {
			count = seriesCount(file, readerClass);
			if (count > 0 && series > count) {
				throw new ZoomCamException(file.getFileName() + " has " + count + " series; choose a series from 1 to " +
					count);
			}
			try {
				final ImagePlus[] images = openSeries(bf, file, series, optionsClass);
				if (images != null && images.length > 0) image = images[0];
			}
			catch (final ReflectiveOperationException | RuntimeException e) {
				image = null; // fall back to ImageJ's opener below (first series only)
			}
			if (count < 1) count = 1;
		}
		if (image == null) {
			if (series > 1) {
				throw new ZoomCamException("cannot read series " + series + " of " + file + ": only Bio-Formats (in " +
					"Fiji) reads series of a file; open it in Fiji to check");
			}
			image = IJ.openImage(file.toString());
			count = 1;
		}
		if (image == null || image.getWidth() == 0 || image.getStack() == null || image.getStack().getSize() == 0) {
			throw new ZoomCamException("cannot read image " + file + ": not a readable image format, or the file " +
				"is damaged; open it in Fiji to check");
		}
		return new Opened(image, series, count);
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
		for (int s = 0; s < Math.max(series, 1); s++) seriesOn.invoke(options, s, s == series - 1);
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
