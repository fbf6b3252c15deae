package io.github.zoomcam.fiji;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.measure.ResultsTable;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.pipeline.FolderEvaluation;
import io.github.zoomcam.labels.EvaluationReport;
import io.github.zoomcam.labels.LocalizationResult;

import java.awt.Color;
import java.io.File;
import java.util.List;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins > Zoom-CAM > Evaluate Pseudo-Labels...: a pseudo-label folder against ground truth, as
 * {@code zoomcam evaluate} does: per-class IoU, mIoU and localization errors in a table, and a plot of
 * the per-class IoU.
 */
@Plugin(type = Command.class, menuPath = CommandText.MENU + CommandText.EVALUATE, headless = true)
public class EvaluatePseudoLabelsCommand extends ZoomCamCommand {

	@Parameter(label = CommandText.PREDICTION_FOLDER, description = CommandText.PREDICTION_FOLDER_HELP,
		style = FileWidget.DIRECTORY_STYLE, validater = "validatePredictions")
	private File prediction_folder;
	@Parameter(label = CommandText.TRUTH_FOLDER, description = CommandText.TRUTH_FOLDER_HELP,
		style = FileWidget.DIRECTORY_STYLE, validater = "validateTruth")
	private File truth_folder;
	@Parameter(label = CommandText.CLASSES_FILE, description = CommandText.CLASSES_FILE_HELP, required = false,
		style = FileWidget.OPEN_STYLE, persist = false)
	private File classes_file;
	@Parameter(label = CommandText.SMALL_AREA, min = "1", persist = false)
	private int small_area = CommandText.SMALL_AREA_DEFAULT;
	@Parameter(label = CommandText.SHOW_PLOT, persist = false)
	private boolean show_plot = true;

	/** One row per score, in ImageJ's Results table (shown with a display; what macros read headless). */
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ResultsTable evaluation;
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ImagePlus plot;

	protected void validatePredictions() {
		validated("prediction_folder", prediction_folder != null && !prediction_folder.isDirectory()
			? "pseudo-label folder " + prediction_folder + " does not exist; give the output folder of Generate " +
				"Pseudo-Labels" : null);
	}

	protected void validateTruth() {
		validated("truth_folder", truth_folder != null && !truth_folder.isDirectory() ? "ground-truth folder " +
			truth_folder + " does not exist" : null);
	}

	@Override
	protected String title() {
		return CommandText.EVALUATE;
	}

	@Override
	protected void execute() {
		if (small_area < 1) throw new ZoomCamException("small_area must be at least 1 pixel");
		final FolderEvaluation.Result result = FolderEvaluation.evaluate(prediction_folder.toPath(), truth_folder
			.toPath(), classes_file == null || classes_file.getPath().isBlank() ? null : classes_file.toPath(),
			small_area, line -> status.showStatus("Zoom-CAM: evaluating " + line), this::isCanceled);
		result.problems().forEach(p -> log.warn(title() + ": skipped " + p));
		log.info(title() + ": " + result.matched() + " images evaluated (" + result.segmented() + " with label " +
			"images, " + result.localized() + " with boxes), " + result.problems().size() + " skipped");
		evaluation = table(result.report(), ImageJOutputs.results());
		ImageJOutputs.showResults(evaluation);
		if (show_plot) {
			plot = plot(result.report());
			ImageJOutputs.show(plot);
		}
		published("evaluation", "plot");
	}

	/** One row per score, in percent: IoU per class (background first), mIoU, then localization. */
	static ResultsTable table(final EvaluationReport report) {
		return table(report, new ResultsTable());
	}

	static ResultsTable table(final EvaluationReport report, final ResultsTable table) {
		final double[] iou = report.classIoU();
		for (int c = 0; c < iou.length; c++) row(table, "IoU " + report.classNames().get(c), iou[c]);
		row(table, "mIoU", report.meanIoU());
		final LocalizationResult l = report.localization();
		if (l != null) {
			row(table, "top-1 localization error", l.top1LocalizationError());
			row(table, "top-5 localization error", l.top5LocalizationError());
			row(table, "GT-known localization accuracy", l.gtKnownLocalizationAccuracy());
			row(table, "top-1 classification error", l.top1ClassificationError());
			row(table, "top-5 classification error", l.top5ClassificationError());
		}
		if (!Double.isNaN(report.maxBoxAccV2())) row(table, "MaxBoxAccV2", report.maxBoxAccV2());
		if (!Double.isNaN(report.smallObjectRecall())) row(table, "small-object recall", report.smallObjectRecall());
		return table;
	}

	private static void row(final ResultsTable table, final String measure, final double fraction) {
		table.incrementCounter();
		table.addValue("measure", measure);
		table.addValue("percent", 100 * fraction);
	}

	/** A bar per class (background first) with its IoU in percent, and the mIoU as a line. */
	static ImagePlus plot(final EvaluationReport report) {
		final List<String> names = report.classNames();
		final double[] iou = report.classIoU();
		final double[] x = new double[iou.length];
		final double[] y = new double[iou.length];
		for (int c = 0; c < iou.length; c++) {
			x[c] = c;
			y[c] = Double.isNaN(iou[c]) ? 0 : 100 * iou[c];
		}
		final Plot plot = new Plot("Per-class IoU (" + report.method() + ")", "{" + String.join(",", names) + "}",
			"IoU (%)");
		plot.setLimits(-0.5, iou.length - 0.5, 0, 100);
		plot.setColor(new Color(220, 80, 20), new Color(250, 150, 60));
		plot.add("bar", x, y);
		if (!Double.isNaN(report.meanIoU())) {
			plot.setColor(Color.BLUE);
			plot.drawLine(-0.5, 100 * report.meanIoU(), iou.length - 0.5, 100 * report.meanIoU());
			plot.addLabel(0.02, 0.08, String.format(java.util.Locale.ROOT, "mIoU %.1f%%", 100 * report.meanIoU()));
		}
		return plot.getImagePlus();
	}
}
