package io.github.zoomcam.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One line of the job's summary table: what happened to one image. Small and serialisable: this, not an
 * image or a map, is all an executor sends back to the driver.
 *
 * @param index position in the input list
 * @param path the image file
 * @param folder its result folder's name under the output folder
 * @param status explained, skipped (a current result was kept) or failed
 * @param classes the explained classes with their probabilities, "nucleus 0.998, ring 0.731"
 * @param instances pseudo-label instances in the result folder
 * @param labels the image-level labels the manifest gave (empty when none)
 * @param reason why an image failed or was skipped, or a note ("no class reached the target")
 */
public record SummaryRow(int index, String path, String folder, String status, String classes, int instances,
	String labels, String reason) implements Serializable
{

	private static final long serialVersionUID = 1L;

	public static final List<String> COLUMNS = List.of("path", "folder", "status", "classes", "instances", "labels",
		"reason");

	/** The header line of the summary CSV. */
	public static String header() {
		return String.join(",", COLUMNS);
	}

	/** This row as a CSV line (RFC 4180 quoting), without the line break. */
	public String csvLine() {
		return String.join(",", cell(path), cell(folder), cell(status), cell(classes), String.valueOf(instances), cell(
			labels), cell(reason));
	}

	private static String cell(final String text) {
		if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
			return "\"" + text.replace("\"", "\"\"") + "\"";
		}
		return text;
	}
}
