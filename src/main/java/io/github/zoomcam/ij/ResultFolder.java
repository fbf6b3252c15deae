package io.github.zoomcam.ij;

import ij.ImagePlus;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.FloatMap;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.Annotator;
import io.github.zoomcam.labels.ImageAnnotation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-image result folder that {@code zoomcam explain} and Fiji's "Generate Pseudo-Labels..." both
 * write: {@code DIR/<stem>/heatmaps.tif} (or {@code heatmaps-<class>.tif} per class when several classes
 * are explained), the five pseudo-label files, and {@code result.json} last, so that a folder with a
 * result.json is complete and is skipped by the next batch run unless overwriting is asked for.
 */
public final class ResultFolder {

	/** Written last; its presence marks a complete folder. */
	public static final String RESULT_JSON = "result.json";

	private ResultFolder() {}

	/**
	 * What was written.
	 *
	 * @param dir the image's folder
	 * @param heatmapFiles heatmap stack file name per explained class name
	 * @param annotation the pseudo-labels, or null when none were asked for
	 */
	public record Written(Path dir, Map<String, String> heatmapFiles, ImageAnnotation annotation) {

		public Written {
			heatmapFiles = Map.copyOf(heatmapFiles);
		}
	}

	/** Whether {@code dir} holds a complete result of an earlier run. */
	public static boolean isComplete(final Path dir) {
		return Files.isRegularFile(dir.resolve(RESULT_JSON));
	}

	/**
	 * Writes every file of one explained image into {@code dir}, each atomically, result.json last.
	 *
	 * @param imagePath the source file (recorded in result.json)
	 * @param image the opened image (calibration, and the plane shown under overlay.png)
	 * @param plane 1-based stack index the maps were computed from
	 * @param batch the engine call that produced {@code explanation} (runtime and timings)
	 * @param batchSize images that shared that call
	 * @param annotationOptions pseudo-label settings; null writes heatmaps and result.json only
	 * @param opacity heatmap opacity in overlay.png
	 */
	public static Written write(final Path dir, final ModelBundle bundle, final Path imagePath, final ImagePlus image,
		final int plane, final ImageExplanation explanation, final ExplainResult batch, final CamMethod method,
		final List<String> layers, final int batchSize, final AnnotationOptions annotationOptions,
		final double opacity)
	{
		final String stem = dir.getFileName() == null ? "image" : dir.getFileName().toString();
		final Map<String, String> files = new LinkedHashMap<>();
		final boolean several = explanation.targets().size() > 1;
		for (final TargetExplanation t : explanation.targets()) {
			final String name = heatmapFileName(t.className(), several);
			HeatmapImages.writeTiff(HeatmapImages.stack(t, method, stem + " " + t.className(), image
				.getCalibration()), dir.resolve(name));
			files.put(t.className(), name);
		}
		ImageAnnotation annotation = null;
		if (annotationOptions != null) {
			annotation = Annotator.annotate(explanation, method, annotationOptions);
			final FloatMap heatmap = PseudoLabelOutputs.maxOf(explanation.targets().stream().map(t -> t.map(method))
				.toList());
			PseudoLabelOutputs.writeAll(annotation, heatmap, image, plane, opacity, dir);
		}
		// result.json last: its presence marks a complete result folder.
		AtomicFiles.writeString(dir.resolve(RESULT_JSON), ResultJson.of(bundle, imagePath.toAbsolutePath()
			.toString(), explanation, batch, method, layers, files, batchSize, annotation, annotationOptions));
		return new Written(dir, files, annotation);
	}

	/** heatmaps.tif for one explained class, heatmaps-&lt;class&gt;.tif for each of several. */
	public static String heatmapFileName(final String className, final boolean several) {
		return several ? "heatmaps-" + safeName(className) + ".tif" : "heatmaps.tif";
	}

	/** A file-name-safe version of a name: runs of other characters than A-Z a-z 0-9 . _ - become "_". */
	public static String safeName(final String name) {
		return name.replaceAll("[^A-Za-z0-9._-]+", "_");
	}

	/**
	 * The folder name of an image: its file name without extension, made safe, with "-2", "-3", ... added
	 * when an earlier image of the same batch already took it.
	 */
	public static String uniqueStem(final Path path, final Set<String> used) {
		final String file = path.getFileName() == null ? "image" : path.getFileName().toString();
		final int dot = file.lastIndexOf('.');
		final String base = safeName(dot > 0 ? file.substring(0, dot) : file);
		String stem = base;
		for (int k = 2; !used.add(stem); k++) stem = base + "-" + k;
		return stem;
	}
}
