package io.github.zoomcam.fiji;

import ij.IJ;
import ij.measure.ResultsTable;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.pipeline.BatchRunner;
import io.github.zoomcam.pipeline.BatchRunner.Outcome;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.pipeline.ImageFolders;
import io.github.zoomcam.pipeline.ResultStore;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins > Zoom-CAM > Generate Pseudo-Labels...: the batch equivalent of {@code zoomcam explain}, through
 * the same {@link BatchRunner}, writing the same per-image folders. One bad file is logged and skipped;
 * cancelling (or Esc) stops between images; current results are kept unless overwrite is chosen.
 */
@Plugin(type = Command.class, menuPath = CommandText.MENU + CommandText.GENERATE, headless = true,
	initializer = "initChoices")
public class GeneratePseudoLabelsCommand extends ExplainingCommand {

	@Parameter(label = CommandText.INPUT_FOLDER, style = FileWidget.DIRECTORY_STYLE, validater = "validateInput")
	private File input_folder;
	@Parameter(label = CommandText.FILE_PATTERN, description = CommandText.FILE_PATTERN_HELP, persist = false)
	private String file_pattern = ImageFolders.DEFAULT_PATTERN;
	@Parameter(label = CommandText.RECURSIVE, persist = false)
	private boolean recursive = false;
	@Parameter(label = CommandText.OUTPUT_FOLDER, description = CommandText.OUTPUT_FOLDER_HELP,
		style = FileWidget.DIRECTORY_STYLE, validater = "validateOutput")
	private File output_folder;
	@Parameter(label = CommandText.OVERWRITE, persist = false)
	private boolean overwrite = false;
	@Parameter(label = CommandText.SERIES, description = CommandText.SERIES_HELP, min = "1", persist = false)
	private int series = CommandText.SERIES_DEFAULT;

	/** One row per image, in ImageJ's Results table (shown with a display; what macros read headless). */
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ResultsTable summary;

	protected void validateInput() {
		validated("input_folder", input_folder != null && !input_folder.isDirectory() ? "image folder " +
			input_folder + " does not exist or is not a folder" : null);
	}

	protected void validateOutput() {
		validated("output_folder", outputProblem(output_folder));
	}

	/**
	 * What the dialog can tell about the output folder without writing: a file, or a folder (or the
	 * nearest existing parent of one to be made) that this user may not write to. The run itself writes a
	 * probe file before any model work (ResultStore).
	 */
	static String outputProblem(final File folder) {
		if (folder == null || folder.getPath().isBlank()) return null;
		if (folder.isFile()) return "output folder " + folder + " is a file; choose a folder";
		Path existing = folder.toPath().toAbsolutePath().normalize();
		while (existing != null && !Files.exists(existing)) existing = existing.getParent();
		if (existing != null && (!Files.isDirectory(existing) || !Files.isWritable(existing))) {
			return "output folder " + folder + " cannot be written (" + existing + " is " + (Files.isDirectory(
				existing) ? "read-only" : "a file") + "); choose a writable folder";
		}
		return null;
	}

	@Override
	protected String title() {
		return CommandText.GENERATE;
	}

	@Override
	protected java.util.Map<String, String> moreSettings() {
		return java.util.Map.of(ExplainSettings.SERIES, String.valueOf(series));
	}

	@Override
	protected void execute() {
		final Path out = output_folder.toPath().toAbsolutePath().normalize();
		final BundleManifest manifest = ModelBundle.readManifest(modelPath());
		final ExplainSettings settings = settings(manifest);
		final List<Path> files = ImageFolders.list(input_folder.toPath(), file_pattern, recursive, out);
		if (files.isEmpty()) {
			throw new ZoomCamException("no file in " + input_folder + (recursive ? " or its sub-folders" : "") +
				" matches '" + file_pattern + "'");
		}
		// The output folder first: a read-only, unmakeable or busy folder fails before any model work.
		try (ResultStore store = ResultStore.exclusive(out)) {
			final ResultsTable table = ImageJOutputs.results();
			summary = table;
			final ModelBundle bundle = bundle();
			// Reset first: an Esc pressed once the run has said it started must stop it.
			IJ.resetEscape();
			log.info(title() + ": " + files.size() + " images, model " + manifest.name() + ", " + bundle.runtime());
			final BatchRunner.Summary result = new BatchRunner(bundle.explainer(), settings, store, overwrite, 1).run(
				files, new Listener(table));
			final String line = title() + ": " + result.line() + "; results in " + out;
			if (result.cancelled()) log.warn(line + (isCanceled() ? " (" + getCancelReason() + ")" : ""));
			else log.info(line);
		}
		ImageJOutputs.showResults(summary);
		published("summary");
	}

	/** Status bar, log lines and the summary table; Esc or cancelling stops between images. */
	private final class Listener implements BatchRunner.Listener {

		private final ResultsTable table;

		Listener(final ResultsTable table) {
			this.table = table;
		}

		@Override
		public void finished(final Outcome o, final int total) {
			final String name = input_folder.toPath().relativize(o.source()).toString();
			table.incrementCounter();
			table.addValue("image", name);
			table.addValue("folder", o.folder());
			table.addValue("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
			table.addValue("classes", BatchRunner.classList(o));
			table.addValue("instances", o.instances());
			table.addValue("message", o.message());
			table.addValue("opener", o.opener() == null ? "" : o.opener());
			o.warnings().forEach(w -> log.warn(title() + ": " + w));
			final String line = title() + ": [" + (o.index() + 1) + "/" + total + "] " + name + (o.opener() == null ? ""
				: " (" + o.opener() + ")") + ": " + switch (o
				.status()) {
				case EXPLAINED -> (o.classes().isEmpty() ? o.message() : BatchRunner.classList(o)) + "; " + o.instances() +
					" instance(s)";
				case SKIPPED -> "skipped, " + o.message();
				case FAILED -> "skipped: " + o.message();
				case CANCELLED -> "cancelled";
			};
			if (o.status() == BatchRunner.Status.FAILED) log.warn(line);
			else log.info(line);
			status.showStatus(o.index() + 1, total, "Zoom-CAM: " + name);
		}

		@Override
		public void progress(final int done, final int total, final String what) {
			status.showStatus(done, total, "Zoom-CAM: " + what);
		}

		@Override
		public boolean cancelled() {
			if (IJ.escapePressed() && !isCanceled()) cancel("cancelled with Esc");
			return isCanceled();
		}
	}
}
