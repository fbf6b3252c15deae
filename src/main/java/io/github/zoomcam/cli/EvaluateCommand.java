package io.github.zoomcam.cli;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.pipeline.FolderEvaluation;
import io.github.zoomcam.labels.EvaluationReport;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;

/** zoomcam evaluate: scores pseudo-labels against ground truth in the layout of the paper's tables. */
final class EvaluateCommand {

	private final PrintStream out;
	private final PrintStream err;

	EvaluateCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("evaluate", args, Set.of("pred", "truth", "classes", "csv", "small-area"), Set
			.of());
		final Path pred = Paths.get(a.require("pred", "give the --out folder of 'zoomcam explain'"));
		final Path truth = Paths.get(a.require("truth", "give the ground-truth folder (labels/, boxes.csv)"));
		final Path classes = a.get("classes", null) == null ? null : Paths.get(a.get("classes", null));
		final Path csv = Paths.get(a.get("csv", pred.resolve("evaluation.csv").toString()));
		final int smallArea = a.integer("small-area", 32 * 32, 1);
		if (!a.positional().isEmpty()) {
			throw new ZoomCamException("unexpected argument '" + a.positional().get(0) + "'; evaluate takes only options");
		}
		final FolderEvaluation.Result result = FolderEvaluation.evaluate(pred, truth, classes, smallArea, line -> {},
			() -> false);
		result.problems().forEach(p -> err.println("skipped: " + p));
		final List<EvaluationReport> reports = List.of(result.report());
		out.println("Per-class IoU and mIoU (%), one confusion matrix over " + result.segmented() + " images " +
			"(Table II layout):");
		out.println(EvaluationReport.segmentationTable(reports));
		out.println("Localization (%), " + result.localized() + " images with ground-truth boxes (Table I layout; " +
			"small objects: < " + smallArea + " px):");
		out.println(EvaluationReport.localizationTable(reports));
		AtomicFiles.writeString(csv, EvaluationReport.csv(reports));
		out.println("evaluated " + result.matched() + " images, skipped " + result.problems().size() + "; CSV: " + csv);
		return result.problems().isEmpty() ? 0 : 1;
	}
}
