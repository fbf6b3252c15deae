package io.github.zoomcam.cli;

import ij.measure.Calibration;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.ij.ResultFolder;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outputs of `zoomcam explain --method A,B,...`: one heat-map stack per method and target. The first
 * method's stacks keep the names heatmaps.tif / heatmaps-CLASS.tif; every further method M writes
 * heatmaps-M.tif / heatmaps-CLASS-M.tif (M as in {@link #fileTag}).
 */
final class MethodOutputs {

	private MethodOutputs() {}

	/** Writes the stacks; returns the file name per method and class name (see {@link ResultFolder}). */
	static Map<CamMethod, Map<String, String>> writeHeatmaps(final ImageExplanation image,
		final List<CamMethod> methods, final String stem, final Calibration calibration, final Path dir)
	{
		return ResultFolder.writeHeatmaps(image, methods, stem, calibration, dir);
	}

	/** A method's name in file names: "gradcam++" becomes "gradcampp". */
	static String fileTag(final CamMethod method) {
		return ResultFolder.fileTag(method);
	}

	/**
	 * result.json with "methods" (all computed, the first is "method") and, per target, "heatmaps_by_method"
	 * (method id to file name).
	 */
	static String withMethods(final String json, final Map<CamMethod, Map<String, String>> files) {
		return ResultFolder.withMethods(json, files);
	}

	/** Score-CAM progress on stderr, at most every 10 seconds; the command line never cancels. */
	static final class Progress implements ExplainMonitor {

		private final PrintStream err;
		private long last = System.nanoTime();

		Progress(final PrintStream err) {
			this.err = err;
		}

		@Override
		public void progress(final int done, final int total, final String what) {
			if (done < total && System.nanoTime() - last > 10_000_000_000L) {
				err.println("  " + what + ": " + done + "/" + total);
				last = System.nanoTime();
			}
		}

		@Override
		public boolean cancelled() {
			return false;
		}
	}
}
