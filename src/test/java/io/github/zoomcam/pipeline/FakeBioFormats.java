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

	/** A Bio-Formats that fails on every file (as it does on formats it cannot read). */
	public static final class Failing {

		private Failing() {}

		public static ImagePlus[] openImagePlus(final String path) {
			lastPath = path;
			throw new IllegalStateException("unknown format");
		}
	}
}
