package io.github.zoomcam.pipeline;

import io.github.zoomcam.core.AtomicFiles;
import ij.ImagePlus;
import ij.measure.Calibration;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.ImageAnnotation;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-image result folder that {@code zoomcam explain}, Fiji's "Generate Pseudo-Labels..." and the
 * Spark job all write: {@code heatmaps.tif} (or {@code heatmaps-<class>.tif} per class when several classes
 * are explained; {@code heatmaps[-<class>]-<method>.tif} for each further method), the five pseudo-label
 * files, and {@code result.json} with the source and settings the result is keyed on. The folder is
 * written as a whole into a temporary folder of a {@link ResultStore} and renamed into place.
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
	 * @param annotation the pseudo-labels (from the first method), or null when none were asked for or the
	 *   image was large enough for {@link LeanPseudoLabels} (which makes no label-image record)
	 * @param classes each explained class's pseudo-label (empty without pseudo-labels)
	 */
	public record Written(Path dir, Map<CamMethod, Map<String, String>> heatmapFiles, ImageAnnotation annotation,
		List<ClassAnnotation> classes)
	{

		public Written {
			heatmapFiles = Collections.unmodifiableMap(new LinkedHashMap<>(heatmapFiles));
			classes = classes == null ? List.of() : List.copyOf(classes);
		}

		/** Kept components over all classes (0 without pseudo-labels). */
		public int instances() {
			return classes.stream().mapToInt(c -> c.label().components().size()).sum();
		}
	}

	/**
	 * Writes every file of one explained image into {@code dir}, result.json last.
	 *
	 * @param source the image file (recorded in result.json as the result's key)
	 * @param image the opened image (calibration, and the plane shown under overlay.png)
	 * @param plane 1-based stack index the maps were computed from
	 * @param batch the engine call that produced {@code explanation} (its runtime)
	 * @param settings the settings; the first method makes heatmaps.tif and the pseudo-labels
	 * @param settingsHash the key of {@code settings} with this bundle
	 */
	public static Written write(final Path dir, final ModelBundle bundle, final SourceFile source,
		final ImagePlus image, final int plane, final ImageExplanation explanation, final ExplainResult batch,
		final ExplainSettings settings, final String settingsHash)
	{
		final Map<CamMethod, Map<String, String>> files = writeHeatmaps(explanation, settings.methods(),
			ResultStore.stem(source.path()), image.getCalibration(), dir);
		final CamMethod method = settings.mainMethod();
		ImageAnnotation annotation = null;
		List<ClassAnnotation> classes = null;
		if (settings.pseudoLabels() && LeanPseudoLabels.applies(explanation)) {
			// A very large image: the same labels and files, without image-sized copies.
			classes = LeanPseudoLabels.write(explanation, method, settings.annotation(), image, plane, settings.opacity(),
				dir);
		}
		else if (settings.pseudoLabels()) {
			annotation = PseudoLabelOutputs.annotate(explanation, method, settings.annotation());
			final FloatMap heatmap = PseudoLabelOutputs.maxOf(explanation.targets().stream().map(t -> t.map(method))
				.toList());
			PseudoLabelOutputs.writeAll(annotation, heatmap, image, plane, settings.opacity(), dir);
			classes = annotation.classes();
		}
		// result.json last: its presence marks a complete result folder.
		AtomicFiles.writeString(dir.resolve(RESULT_JSON), ResultJson.of(bundle, source, explanation, batch, settings,
			settingsHash, files, classes));
		return new Written(dir, files, annotation, classes);
	}

	/**
	 * Writes the heatmap stacks, one per method and target: the first method's keep the names heatmaps.tif /
	 * heatmaps-CLASS.tif, every further method M writes heatmaps-M.tif / heatmaps-CLASS-M.tif (M as in
	 * {@link #fileTag}). Returns the file name per method and class name.
	 */
	public static Map<CamMethod, Map<String, String>> writeHeatmaps(final ImageExplanation image,
		final List<CamMethod> methods, final String title, final Calibration calibration, final Path dir)
	{
		final Map<CamMethod, Map<String, String>> files = new LinkedHashMap<>();
		final boolean several = image.targets().size() > 1;
		for (final CamMethod m : methods) {
			final Map<String, String> mine = new LinkedHashMap<>();
			for (final TargetExplanation t : image.targets()) {
				final String name = "heatmaps" + (several ? "-" + ResultStore.safeName(t.className()) : "") + (m ==
					methods.get(0) ? "" : "-" + fileTag(m)) + ".tif";
				HeatmapImages.writeTiff(HeatmapImages.stackForWriting(t, m, title + " " + t.className(), calibration), dir
					.resolve(name));
				mine.put(t.className(), name);
			}
			files.put(m, mine);
		}
		return files;
	}

	/** A method's name in file names: "gradcam++" becomes "gradcampp". */
	public static String fileTag(final CamMethod method) {
		return ResultStore.safeName(method.id().replace("+", "p"));
	}
}
