package io.github.zoomcam.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.train.ClassifierTrainer;
import io.github.zoomcam.engine.train.EpochReport;
import io.github.zoomcam.engine.train.TemplateCatalog;
import io.github.zoomcam.engine.train.TrainingMonitor;
import io.github.zoomcam.engine.train.TrainingOptions;
import io.github.zoomcam.engine.train.TrainingResult;
import io.github.zoomcam.pipeline.train.HeldOutScore;
import io.github.zoomcam.pipeline.train.TrainingFolder;

import java.io.File;
import java.util.Arrays;
import java.util.Locale;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins > Zoom-CAM > Train Classifier...: {@code zoomcam train} in Fiji. Trains a classifier on a folder of
 * images labelled per image and writes a model bundle for Explain Image and Generate Pseudo-Labels. The
 * status bar follows the batches, the log and a plot the epochs; Esc (or cancelling) stops after the
 * current batch and still writes the best network so far.
 */
@Plugin(type = Command.class, menuPath = CommandText.MENU + CommandText.TRAIN, headless = true,
	initializer = "initChoices")
public class TrainClassifierCommand extends ZoomCamCommand {

	@Parameter(label = CommandText.DATA, description = CommandText.DATA_HELP, style = FileWidget.DIRECTORY_STYLE,
		validater = "validateData")
	private File data;
	@Parameter(label = CommandText.OUT, description = CommandText.OUT_HELP, style = FileWidget.SAVE_STYLE)
	private File out;
	@Parameter(label = CommandText.ARCH, description = CommandText.ARCH_HELP, persist = false)
	private String arch = TrainingOptions.DEFAULT_ARCH;
	@Parameter(label = CommandText.EPOCHS, min = "1", persist = false)
	private int epochs = TrainingOptions.DEFAULT_EPOCHS;
	@Parameter(label = CommandText.BATCH, min = "1", persist = false)
	private int batch = TrainingOptions.DEFAULT_BATCH;
	@Parameter(label = CommandText.LR, persist = false)
	private double lr = TrainingOptions.DEFAULT_LEARNING_RATE;
	@Parameter(label = CommandText.VAL_FRACTION, description = CommandText.VAL_FRACTION_HELP, persist = false)
	private double val_fraction = TrainingOptions.DEFAULT_VALIDATION_FRACTION;
	@Parameter(label = CommandText.DEVICE, description = CommandText.DEVICE_HELP, persist = false)
	private String device = CommandText.DEVICE_DEFAULT;
	@Parameter(label = CommandText.SEED, persist = false)
	private int seed = (int) TrainingOptions.DEFAULT_SEED;
	@Parameter(label = CommandText.RESUME, description = CommandText.RESUME_HELP, required = false,
		style = FileWidget.FILE_AND_DIRECTORY_STYLE, persist = false, validater = "validateResume")
	private File resume;
	@Parameter(label = CommandText.OVERWRITE_BUNDLE, persist = false)
	private boolean overwrite = false;
	@Parameter(label = CommandText.INPUT_SIZE, description = CommandText.INPUT_SIZE_HELP, persist = false)
	private String input_size = "auto";
	@Parameter(label = CommandText.CROP, min = "0", persist = false)
	private int crop = 0;
	@Parameter(label = CommandText.PATIENCE, min = "0", persist = false)
	private int patience = TrainingOptions.DEFAULT_PATIENCE;
	@Parameter(label = CommandText.AUGMENT, persist = false)
	private boolean augment = true;
	@Parameter(label = CommandText.TEST, description = CommandText.TEST_HELP, required = false,
		style = FileWidget.DIRECTORY_STYLE, persist = false, validater = "validateTest")
	private File test;
	@Parameter(label = CommandText.SHOW_TRAINING_PLOT, persist = false)
	private boolean show_plot = true;

	/** One row per epoch, in ImageJ's Results table (shown with a display; what macros read headless). */
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ResultsTable history;
	/** The plot of loss and validation score per epoch, titled "Zoom-CAM Training". */
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ImagePlus plot;

	protected void initChoices() {
		choices("arch", TemplateCatalog.builtIn().architectures());
		choices("device", Arrays.stream(DeviceChoice.values()).map(d -> d.name().toLowerCase(Locale.ROOT)).toList());
	}

	protected void validateData() {
		validated("data", data != null && !data.isDirectory() ? "training data folder " + data + " does not exist; " +
			"choose a folder with one sub-folder per class, or with images and image_labels.csv" : null);
	}

	protected void validateResume() {
		validated("resume", resume != null && !resume.getPath().isBlank() && !resume.exists() ? "bundle to continue " +
			resume + " does not exist" : null);
	}

	protected void validateTest() {
		validated("test", test != null && !test.getPath().isBlank() && !test.isDirectory() ? "held-out folder " + test +
			" does not exist" : null);
	}

	@Override
	protected String title() {
		return CommandText.TRAIN;
	}

	@Override
	protected void execute() {
		final int[] size = TrainingOptions.parseInputSize(input_size);
		final TrainingOptions options = TrainingOptions.builder().arch(arch).epochs(epochs).batchSize(batch)
			.learningRate(lr).validationFraction(val_fraction).device(DeviceChoice.parse(device)).seed(seed).inputSize(
				size[0], size[1]).crop(crop).patience(patience).augment(augment).resume(given(resume) ? resume.toPath()
					: null).overwrite(overwrite).command("run(\"" + CommandText.TRAIN + "\", \"" + macroOptions() + "\")")
			.build();
		final TrainingFolder folder = TrainingFolder.read(data.toPath());
		final TrainingFolder heldOut = given(test) ? TrainingFolder.read(test.toPath()) : null;
		final Monitor monitor = new Monitor(folder.kind().scoreName());
		IJ.resetEscape();
		final TrainingResult result = ClassifierTrainer.train(folder, out.toPath(), options, monitor);
		log.info(title() + ": " + result);
		if (heldOut != null) {
			log.info(title() + ": " + HeldOutScore.evaluate(result.bundle(), heldOut, options.device(), w -> log.warn(
				title() + ": " + w)));
		}
		history = table(result, ImageJOutputs.results());
		ImageJOutputs.showResults(history);
		if (show_plot) {
			// with a display the live plot window is the plot; otherwise (headless, batch-mode macros) the final
			// plot is handed to ImageJ by its title, "Zoom-CAM Training"
			plot = monitor.plot.shown();
			if (plot == null) {
				plot = monitor.plot.image();
				ImageJOutputs.show(plot);
			}
		}
		published("history", "plot");
	}

	private static boolean given(final File file) {
		return file != null && !file.getPath().isBlank();
	}

	/** The call the macro recorder would write, for the bundle's training record. */
	private String macroOptions() {
		final StringBuilder s = new StringBuilder();
		s.append("data=[").append(data).append("] out=[").append(out).append("] arch=").append(arch);
		s.append(" epochs=").append(epochs).append(" batch=").append(batch).append(" lr=").append(lr);
		s.append(" val_fraction=").append(val_fraction).append(" device=").append(device).append(" seed=").append(seed);
		if (given(resume)) s.append(" resume=[").append(resume).append(']');
		s.append(" overwrite=").append(overwrite).append(" input_size=").append(input_size).append(" crop=").append(
			crop);
		s.append(" patience=").append(patience).append(" augment=").append(augment);
		if (given(test)) s.append(" test=[").append(test).append(']');
		return s.toString();
	}

	/** One row per epoch, in a new table. */
	static ResultsTable table(final TrainingResult result) {
		return table(result, new ResultsTable());
	}

	/** One row per epoch, appended to {@code table}. */
	static ResultsTable table(final TrainingResult result, final ResultsTable table) {
		for (final EpochReport r : result.epochs()) {
			table.incrementCounter();
			table.addValue("epoch", r.epoch());
			table.addValue("loss", r.trainLoss());
			table.addValue("val_loss", r.validationLoss());
			table.addValue("val_" + r.scoreName(), r.validationScore());
			table.addValue("seconds", r.seconds());
			table.addValue("cpu_seconds", r.cpuSeconds());
			table.addValue("kept", r.epoch() == result.bestEpoch() ? "yes" : "");
			table.addValue("complete", r.complete() ? "yes" : "no");
		}
		return table;
	}

	/** Status bar per batch, log and plot per epoch; Esc or cancelling stops after the current batch. */
	private final class Monitor implements TrainingMonitor {

		final TrainingPlot plot;
		private boolean stopping;

		Monitor(final String scoreName) {
			this.plot = new TrainingPlot(scoreName, epochs);
		}

		@Override
		public void message(final String line) {
			log.info(title() + ": " + line);
			status.showStatus("Zoom-CAM: " + line);
		}

		@Override
		public void batchDone(final int epoch, final int batchIndex, final int batches, final double meanLoss) {
			status.showStatus(batchIndex, batches, String.format(Locale.ROOT, "Zoom-CAM: epoch %d/%d, batch %d/%d, loss " +
				"%.4f (Esc stops and keeps the best epoch)", epoch, epochs, batchIndex, batches, meanLoss));
		}

		@Override
		public void epochDone(final EpochReport report) {
			log.info(title() + ": " + report);
			if (show_plot) plot.add(report, !headless() && !Interpreter.isBatchMode());
		}

		@Override
		public boolean cancelled() {
			if (!stopping && (IJ.escapePressed() || isCanceled())) {
				stopping = true;
				log.warn(title() + ": stopping after the current batch" + (isCanceled() ? " (" + getCancelReason() + ")"
					: " (Esc)") + "; the best network so far is written");
			}
			return stopping;
		}
	}
}
