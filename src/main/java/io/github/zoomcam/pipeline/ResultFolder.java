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
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.RefineOptions;
import io.github.zoomcam.labels.ImageAnnotation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-image result folder that {@code zoomcam explain}, Fiji's "Generate Pseudo-Labels..." and the
 * Spark job all write: {@code heatmaps.tif} (or {@code heatmaps-<class>.tif} per class when several classes
 * are explained; {@code heatmaps[-<class>]-<method>.tif} for each further method), the six pseudo-label
 * files, and {@code result.json} with the source and settings the result is keyed on. The folder is
 * written as a whole into a temporary folder of a {@link ResultStore} and renamed into place.
 */
public final class ResultFolder {

	/** Side of the largest square image the image-guided refinement labels ({@link LeanPseudoLabels#MIN_PIXELS}). */
	static final int LEAN_SIDE = (int) Math.round(Math.sqrt(LeanPseudoLabels.MIN_PIXELS));

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
	 * @param warnings one-line notes on the pseudo-labels (an empty image, a very large image labelled by the
	 *   paper's protocol)
	 */
	public record Written(Path dir, Map<CamMethod, Map<String, String>> heatmapFiles, ImageAnnotation annotation,
		List<ClassAnnotation> classes, List<String> warnings)
	{

		public Written {
			heatmapFiles = Collections.unmodifiableMap(new LinkedHashMap<>(heatmapFiles));
			classes = classes == null ? List.of() : List.copyOf(classes);
			warnings = List.copyOf(warnings);
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
		ResultJson.Labels labels = null;
		if (settings.pseudoLabels() && LeanPseudoLabels.applies(explanation)) {
			// A very large image: the paper's protocol and its files, without image-sized copies.
			AnnotationOptions options = settings.annotation();
			final List<String> notes = new ArrayList<>();
			if (!options.refine().isNone()) {
				notes.add(explanation.imageName() + ": pseudo-labels: " + explanation.width() + "x" + explanation.height()
					+ " pixels are more than the image-guided refinement labels (" + LEAN_SIDE + "x" + LEAN_SIDE + "); "
					+ "labelled by the paper's protocol (refine none), without instances.tif");
				options = options.withRefine(RefineOptions.none());
			}
			final LeanPseudoLabels.Labels lean = LeanPseudoLabels.write(explanation, method, options, image, plane,
				settings.opacity(), dir);
			labels = new ResultJson.Labels(lean.classes(), lean.instances(), options, notes, false);
		}
		else if (settings.pseudoLabels()) {
			final float[] guide = settings.annotation().refine().isNone() ? null : guide(image, plane);
			annotation = PseudoLabelOutputs.annotate(explanation, method, settings.annotation(), guide);
			final FloatMap heatmap = PseudoLabelOutputs.maxOf(explanation.targets().stream().map(t -> t.map(method))
				.toList());
			PseudoLabelOutputs.writeAll(annotation, heatmap, image, plane, settings.opacity(), dir);
			final String warning = PseudoLabelOutputs.warningLine(annotation);
			labels = new ResultJson.Labels(annotation.classes(), annotation.instances(), settings.annotation(),
				warning == null ? List.of() : List.of(warning), true);
		}
		// result.json last: its presence marks a complete result folder.
		AtomicFiles.writeString(dir.resolve(RESULT_JSON), ResultJson.of(bundle, source, explanation, batch, settings,
			settingsHash, files, labels));
		return new Written(dir, files, annotation, labels == null ? null : labels.classes(), labels == null ? List.of()
			: labels.warnings());
	}

	/** The guide image of a stack position: that plane's (z, t), every channel ({@link PseudoLabelOutputs#guide}). */
	static float[] guide(final ImagePlus image, final int plane) {
		final int[] czt = image.convertIndexToPosition(Math.max(1, Math.min(plane, image.getStackSize())));
		return PseudoLabelOutputs.guide(image, czt[1], czt[2]);
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
