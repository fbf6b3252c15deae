package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The scores of one method, ready to print: per-class IoU and mIoU (PASCAL VOC, class 0 = background),
 * ILSVRC localization, MaxBoxAccV2 and small-object recall. Scores are fractions in [0, 1]; the text
 * tables show them in percent, the CSV as fractions. Missing scores are NaN (localization: null) and
 * print as "-" in tables and as an empty cell in CSV.
 *
 * <p>Build with {@link #of(String)} and the {@code with...} methods.
 */
public record EvaluationReport(String method, List<String> classNames, double[] classIoU, double meanIoU,
	LocalizationResult localization, double maxBoxAccV2, double smallObjectRecall)
{

	public EvaluationReport {
		Objects.requireNonNull(method, "method");
		classNames = List.copyOf(classNames);
		classIoU = classIoU.clone();
		if (classNames.size() != classIoU.length) {
			throw new ZoomCamException(classNames.size() + " class names for " + classIoU.length
				+ " class IoUs; give one name per label, background first");
		}
	}

	/** A report with no scores yet. */
	public static EvaluationReport of(final String method) {
		return new EvaluationReport(method, List.of(), new double[0], Double.NaN, null, Double.NaN, Double.NaN);
	}

	/** Per-class IoU and mIoU from a confusion matrix; {@code classNames} starts with the background's name. */
	public EvaluationReport withSegmentation(final List<String> classNames, final ConfusionMatrix matrix) {
		if (classNames.size() != matrix.numClasses() + 1) {
			throw new ZoomCamException(classNames.size() + " class names for " + (matrix.numClasses() + 1)
				+ " labels; give the background's name first, then one per class");
		}
		return new EvaluationReport(method, classNames, matrix.ious(), matrix.meanIoU(), localization, maxBoxAccV2,
			smallObjectRecall);
	}

	public EvaluationReport withLocalization(final LocalizationResult result) {
		return new EvaluationReport(method, classNames, classIoU, meanIoU, result, maxBoxAccV2, smallObjectRecall);
	}

	public EvaluationReport withMaxBoxAccV2(final double value) {
		return new EvaluationReport(method, classNames, classIoU, meanIoU, localization, value, smallObjectRecall);
	}

	public EvaluationReport withSmallObjectRecall(final double recall) {
		return new EvaluationReport(method, classNames, classIoU, meanIoU, localization, maxBoxAccV2, recall);
	}

	@Override
	public double[] classIoU() {
		return classIoU.clone();
	}

	/**
	 * The layout of Table II of the paper: one row per method, one column per class IoU, then mIoU, in
	 * percent with one decimal. All reports must have the same class names.
	 */
	public static String segmentationTable(final List<EvaluationReport> reports) {
		final List<String> names = reports.isEmpty() ? List.of() : reports.get(0).classNames;
		final List<String> header = new ArrayList<>(List.of("Method"));
		header.addAll(names);
		header.add("mIoU");
		final List<List<String>> rows = new ArrayList<>();
		for (final EvaluationReport r : reports) {
			if (!r.classNames.equals(names)) {
				throw new ZoomCamException("report '" + r.method + "' has other classes than '" + reports.get(0).method
					+ "'; a table needs the same classes in every row");
			}
			final List<String> row = new ArrayList<>(List.of(r.method));
			for (final double iou : r.classIoU) row.add(percent(iou));
			row.add(percent(r.meanIoU));
			rows.add(row);
		}
		return table(header, rows);
	}

	/**
	 * The layout of Table I of the paper (top-1 and top-5 localization error, GT-known localization
	 * accuracy), followed by MaxBoxAccV2 and small-object recall, in percent.
	 */
	public static String localizationTable(final List<EvaluationReport> reports) {
		final List<String> header = List.of("Method", "Top-1 Loc Err", "Top-5 Loc Err", "GT-known Loc Acc",
			"MaxBoxAccV2", "Small-obj Recall");
		final List<List<String>> rows = new ArrayList<>();
		for (final EvaluationReport r : reports) {
			final LocalizationResult l = r.localization;
			rows.add(List.of(r.method, percent(l == null ? Double.NaN : l.top1LocalizationError()),
				percent(l == null ? Double.NaN : l.top5LocalizationError()),
				percent(l == null ? Double.NaN : l.gtKnownLocalizationAccuracy()), percent(r.maxBoxAccV2),
				percent(r.smallObjectRecall)));
		}
		return table(header, rows);
	}

	/** CSV header matching {@link #csvRow()}: method, iou_NAME per class, then the other scores. */
	public String csvHeader() {
		final List<String> cells = new ArrayList<>(List.of("method"));
		for (final String name : classNames) cells.add("iou_" + name);
		cells.addAll(List.of("miou", "top1_cls_err", "top5_cls_err", "top1_loc_err", "top5_loc_err",
			"gt_known_loc_acc", "maxboxacc_v2", "small_object_recall"));
		return csvLine(cells);
	}

	/** This report as one CSV line (no line break), scores as fractions. */
	public String csvRow() {
		final LocalizationResult l = localization;
		final List<String> cells = new ArrayList<>(List.of(method));
		for (final double iou : classIoU) cells.add(fraction(iou));
		cells.add(fraction(meanIoU));
		final double[] scores = l == null ? new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN}
			: new double[] {l.top1ClassificationError(), l.top5ClassificationError(), l.top1LocalizationError(),
				l.top5LocalizationError(), l.gtKnownLocalizationAccuracy()};
		for (final double v : scores) cells.add(fraction(v));
		cells.add(fraction(maxBoxAccV2));
		cells.add(fraction(smallObjectRecall));
		return csvLine(cells);
	}

	/** Header and one line per report, each ending in a line break; all reports need the same classes. */
	public static String csv(final List<EvaluationReport> reports) {
		if (reports.isEmpty()) return "";
		final StringBuilder text = new StringBuilder(reports.get(0).csvHeader()).append('\n');
		for (final EvaluationReport r : reports) {
			if (!r.classNames.equals(reports.get(0).classNames)) {
				throw new ZoomCamException("report '" + r.method + "' has other classes than '" + reports.get(0).method
					+ "'; one CSV needs the same classes in every row");
			}
			text.append(r.csvRow()).append('\n');
		}
		return text.toString();
	}

	private static String percent(final double v) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * v);
	}

	private static String fraction(final double v) {
		return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
	}

	private static String csvLine(final List<String> cells) {
		final StringBuilder line = new StringBuilder();
		for (final String cell : cells) {
			if (line.length() > 0) line.append(',');
			final boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n");
			line.append(quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
		}
		return line.toString();
	}

	/** Columns padded to their widest cell, method left-aligned, numbers right-aligned, two spaces apart. */
	private static String table(final List<String> header, final List<List<String>> rows) {
		final int[] widths = new int[header.size()];
		for (int c = 0; c < widths.length; c++) {
			widths[c] = header.get(c).length();
			for (final List<String> row : rows) widths[c] = Math.max(widths[c], row.get(c).length());
		}
		final StringBuilder text = new StringBuilder();
		final List<List<String>> lines = new ArrayList<>();
		lines.add(header);
		lines.addAll(rows);
		for (final List<String> line : lines) {
			for (int c = 0; c < widths.length; c++) {
				if (c > 0) text.append("  ");
				final String pad = " ".repeat(widths[c] - line.get(c).length());
				text.append(c == 0 ? line.get(c) + pad : pad + line.get(c));
			}
			text.append('\n');
		}
		return text.toString();
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof EvaluationReport r && method.equals(r.method) && classNames.equals(r.classNames)
			&& Arrays.equals(classIoU, r.classIoU) && Double.compare(meanIoU, r.meanIoU) == 0
			&& Objects.equals(localization, r.localization) && Double.compare(maxBoxAccV2, r.maxBoxAccV2) == 0
			&& Double.compare(smallObjectRecall, r.smallObjectRecall) == 0;
	}

	@Override
	public int hashCode() {
		return Objects.hash(method, classNames, Arrays.hashCode(classIoU), meanIoU, localization, maxBoxAccV2,
			smallObjectRecall);
	}

	@Override
	public String toString() {
		return "EvaluationReport[" + method + ", mIoU=" + meanIoU + ", classIoU=" + Arrays.toString(classIoU)
			+ ", localization=" + localization + ", maxBoxAccV2=" + maxBoxAccV2 + ", smallObjectRecall="
			+ smallObjectRecall + "]";
	}
}
