package io.github.zoomcam.ij;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import ij.measure.Calibration;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.FloatMap;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ImageAnnotation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-image result folder that {@code zoomcam explain} and Fiji's "Generate Pseudo-Labels..." both
 * write: {@code DIR/<stem>/heatmaps.tif} (or {@code heatmaps-<class>.tif} per class when several classes
 * are explained; {@code heatmaps[-<class>]-<method>.tif} for each further method), the five pseudo-label
 * files, and {@code result.json} last, so that a folder with a
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
	 * @param heatmapFiles per method, the heatmap stack file name per explained class name
	 * @param annotation the pseudo-labels (from the first method), or null when none were asked for
	 */
	public record Written(Path dir, Map<CamMethod, Map<String, String>> heatmapFiles, ImageAnnotation annotation) {

		public Written {
			heatmapFiles = Collections.unmodifiableMap(new LinkedHashMap<>(heatmapFiles));
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
	 * @param methods the computed methods; the first is the main one (heatmaps.tif, pseudo-labels,
	 *        result.json "method"), each further one gets heatmaps[-CLASS]-METHOD.tif
	 * @param batchSize images that shared that call
	 * @param annotationOptions pseudo-label settings; null writes heatmaps and result.json only
	 * @param opacity heatmap opacity in overlay.png
	 */
	public static Written write(final Path dir, final ModelBundle bundle, final Path imagePath, final ImagePlus image,
		final int plane, final ImageExplanation explanation, final ExplainResult batch, final List<CamMethod> methods,
		final List<String> layers, final int batchSize, final AnnotationOptions annotationOptions,
		final double opacity)
	{
		final String stem = dir.getFileName() == null ? "image" : dir.getFileName().toString();
		final Map<CamMethod, Map<String, String>> files = writeHeatmaps(explanation, methods, stem, image
			.getCalibration(), dir);
		// Pseudo-labels come from the first (main) method's maps.
		final CamMethod method = methods.get(0);
		ImageAnnotation annotation = null;
		if (annotationOptions != null) {
			annotation = PseudoLabelOutputs.annotate(explanation, method, annotationOptions);
			final FloatMap heatmap = PseudoLabelOutputs.maxOf(explanation.targets().stream().map(t -> t.map(method))
				.toList());
			PseudoLabelOutputs.writeAll(annotation, heatmap, image, plane, opacity, dir);
		}
		// result.json last: its presence marks a complete result folder.
		AtomicFiles.writeString(dir.resolve(RESULT_JSON), withMethods(ResultJson.of(bundle, imagePath.toAbsolutePath()
			.toString(), explanation, batch, method, layers, files.get(method), batchSize, annotation,
			annotationOptions), files));
		return new Written(dir, files, annotation);
	}

	/**
	 * Writes the heatmap stacks, one per method and target: the first method's keep the names heatmaps.tif /
	 * heatmaps-CLASS.tif, every further method M writes heatmaps-M.tif / heatmaps-CLASS-M.tif (M as in
	 * {@link #fileTag}). Returns the file name per method and class name.
	 */
	public static Map<CamMethod, Map<String, String>> writeHeatmaps(final ImageExplanation image,
		final List<CamMethod> methods, final String stem, final Calibration calibration, final Path dir)
	{
		final Map<CamMethod, Map<String, String>> files = new LinkedHashMap<>();
		final boolean several = image.targets().size() > 1;
		for (final CamMethod m : methods) {
			final Map<String, String> mine = new LinkedHashMap<>();
			for (final TargetExplanation t : image.targets()) {
				final String name = "heatmaps" + (several ? "-" + safeName(t.className()) : "") + (m == methods.get(0)
					? "" : "-" + fileTag(m)) + ".tif";
				HeatmapImages.writeTiff(HeatmapImages.stack(t, m, stem + " " + t.className(), calibration), dir.resolve(
					name));
				mine.put(t.className(), name);
			}
			files.put(m, mine);
		}
		return files;
	}

	/** A method's name in file names: "gradcam++" becomes "gradcampp". */
	public static String fileTag(final CamMethod method) {
		return safeName(method.id().replace("+", "p"));
	}

	/**
	 * result.json with "methods" (all computed, the first is "method") and, per target, "heatmaps_by_method"
	 * (method id to file name).
	 */
	public static String withMethods(final String json, final Map<CamMethod, Map<String, String>> files) {
		final JsonObject root = JsonParser.parseString(json).getAsJsonObject();
		final JsonArray ids = new JsonArray();
		files.keySet().forEach(m -> ids.add(m.id()));
		root.add("methods", ids);
		for (final JsonElement e : root.getAsJsonArray("targets")) {
			final JsonObject target = e.getAsJsonObject();
			final JsonObject byMethod = new JsonObject();
			files.forEach((m, f) -> byMethod.addProperty(m.id(), f.get(target.get("class").getAsString())));
			target.add("heatmaps_by_method", byMethod);
		}
		return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root) + "\n";
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
