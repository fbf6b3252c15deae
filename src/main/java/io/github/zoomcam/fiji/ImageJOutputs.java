package io.github.zoomcam.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;

import java.awt.GraphicsEnvironment;

/**
 * Hands a command's images and tables to ImageJ 1, so that users and macros find them by title in the GUI
 * and headless alike. SciJava's display postprocessor cannot do this headless: it has no display for an
 * ImagePlus or a ResultsTable there ("Ignoring unsupported output"), and a headless macro never sees the
 * images. The commands therefore publish their outputs here and mark them resolved.
 */
final class ImageJOutputs {

	private ImageJOutputs() {}

	/**
	 * Shows an image: inside a running macro or in batch mode it becomes a batch-mode image (what
	 * ImagePlus.show() does there: selectImage, nImages and getTitle find it, and it is the current image);
	 * with a display it gets a window; headless without a macro nothing can hold it, and it stays a command
	 * output for scripts. Returns whether ImageJ now lists it.
	 */
	static boolean show(final ImagePlus image) {
		if (image == null) return false;
		final boolean macro = IJ.isMacro() || Interpreter.isBatchMode();
		if (macro && GraphicsEnvironment.isHeadless() && !Interpreter.isBatchMode()) {
			// ImageJ lists images of a headless macro only in batch mode; the image is still the current one
			ij.WindowManager.setTempCurrentImage(image);
			return false;
		}
		if (macro || !GraphicsEnvironment.isHeadless()) {
			image.show();
			return true;
		}
		return false;
	}

	/** ImageJ's Results table, emptied: the one table a macro reads in the GUI and headless alike. */
	static ResultsTable results() {
		final ResultsTable table = ResultsTable.getResultsTable();
		table.reset();
		return table;
	}

	/** Shows the Results table in its window when there is a display; headless, macros read it as it is. */
	static void showResults(final ResultsTable table) {
		if (!GraphicsEnvironment.isHeadless()) table.show(CommandText.RESULTS_TITLE);
	}
}
