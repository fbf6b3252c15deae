package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.ImagePlus;

/**
 * Stands in for loci.plugins.BF (Bio-Formats' ImageJ entry point, present in every Fiji, not on Maven
 * Central): same static method, records its calls, and marks what it opened.
 */
public final class FakeBioFormats {

	static final String TITLE_PREFIX = "bio-formats:";
	static volatile String lastPath;

	private FakeBioFormats() {}

	public static ImagePlus[] openImagePlus(final String path) {
		lastPath = path;
		final ImagePlus image = IJ.openImage(path);
		if (image == null) return new ImagePlus[0];
		image.setTitle(TITLE_PREFIX + image.getTitle());
		return new ImagePlus[] { image };
	}

	/** Series in every file the fake reads through {@link Options}. */
	static final int SERIES = 3;

	/**
	 * Stands in for loci.plugins.in.ImporterOptions: the importer's options, of which the opener sets the
	 * file, "open all series" and which series are on.
	 */
	public static final class Options {

		String id;
		boolean openAll = true;
		final java.util.Map<Integer, Boolean> on = new java.util.TreeMap<>();

		public Options() {}

		public void setId(final String value) {
			id = value;
		}

		public void setOpenAllSeries(final boolean value) {
			openAll = value;
		}

		public void setSeriesOn(final int series, final boolean value) {
			on.put(series, value);
		}
	}

	/** The importer with options: one image per series that is on, titled "series-N" (1-based). */
	public static ImagePlus[] openImagePlus(final Options options) {
		lastPath = options.id;
		final java.util.List<ImagePlus> images = new java.util.ArrayList<>();
		for (int s = 0; s < SERIES; s++) {
			// the real importer opens series 0 unless told otherwise
			if (!options.openAll && !options.on.getOrDefault(s, s == 0)) continue;
			final ImagePlus image = IJ.openImage(options.id);
			image.setTitle(TITLE_PREFIX + "series-" + (s + 1));
			images.add(image);
		}
		return images.toArray(ImagePlus[]::new);
	}

	/** Stands in for loci.formats.ImageReader: counts the series. */
	public static final class Reader {

		public Reader() {}

		public void setId(final String id) {
			if (!new java.io.File(id).isFile()) throw new IllegalStateException("no file " + id);
		}

		public int getSeriesCount() {
			return SERIES;
		}

		public void close() {}
	}

	/** A Bio-Formats that fails on every file (as it does on formats it cannot read). */
	public static final class Failing {

		private Failing() {}

		public static ImagePlus[] openImagePlus(final String path) {
			lastPath = path;
			throw new IllegalStateException("unknown format");
		}
	}
}
