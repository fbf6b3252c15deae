package io.github.zoomcam.pipeline;

import io.github.zoomcam.core.AtomicFiles;
import ij.ImagePlus;
import ij.measure.Calibration;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.RefineOptions;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.pipeline.tiling.MapStitcher;
import io.github.zoomcam.pipeline.tiling.TileSource;
import io.github.zoomcam.pipeline.tiling.TiledExplainer;

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
				notes.add(leanNote(explanation));
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

	/**
	 * {@link #write} for a large image explained in tiles whose full-size maps are stitched one at a time
	 * ({@link ExplainSettings#stitchesOneMapAtATime}): each method's and class's map is stitched into the same
	 * memory, written to its heatmap file and, for the main method, labelled by {@link LeanPseudoLabels} before
	 * the next is made; the label files that combine the classes read the maps back from the heatmap files.
	 * Memory: one full-size map, whatever the number of classes and methods.
	 *
	 * @param monitor progress of the stitching; cancelling stops it
	 */
	public static Written writeTiled(final Path dir, final ModelBundle bundle, final SourceFile source,
		final ImagePlus image, final int plane, final TiledExplainer.RawTiles tiles, final ExplainSettings settings,
		final String settingsHash, final ExplainMonitor monitor)
	{
		final ImageExplanation summary = tiles.summary();
		final int width = summary.width();
		final int height = summary.height();
		final CamMethod main = settings.mainMethod();
		final String title = ResultStore.stem(source.path());
		final Calibration calibration = image.getCalibration();
		final List<String> notes = new ArrayList<>();
		final AnnotationOptions options = settings.annotation();
		// The image-guided refinement labels block by block from each class's evidence, kept on disk meanwhile;
		// the paper's protocol labels each class's map as it is made.
		final boolean refine = settings.pseudoLabels() && !options.refine().isNone();
		final LeanPseudoLabels.Session labels = settings.pseudoLabels() && !refine && !summary.targets().isEmpty()
			? new LeanPseudoLabels.Session(summary.imageName(), width, height, options) : null;
		final List<BlockRefinement.ClassEvidence> evidence = new ArrayList<>();
		final List<Path> temporaries = new ArrayList<>();
		final Map<CamMethod, Map<String, String>> files = new LinkedHashMap<>();
		final List<FloatMapFile> mainMaps = new ArrayList<>();
		final boolean several = summary.targets().size() > 1;
		try {
			if (!summary.targets().isEmpty()) {
				// The tiles' passes left garbage behind: collected now, the map reuses that memory.
				System.gc();
				final MapStitcher stitcher = new MapStitcher(tiles.grid());
				for (final CamMethod m : settings.methods()) {
					final int index = tiles.methods().indexOf(m);
					final Map<String, String> mine = new LinkedHashMap<>();
					for (int k = 0; k < summary.targets().size(); k++) {
						final TargetExplanation target = summary.targets().get(k);
						tiles.stitch(index, k, stitcher, monitor);
						final FloatMap full = stitcher.toFloatMap();
						final TargetExplanation withMap = new TargetExplanation(target.classIndex(), target.className(), target
							.score(), target.probability(), Map.of(m, tiles.methodMaps(index, full)));
						final String name = heatmapFileName(target.className(), several, m, settings.methods());
						final Path file = dir.resolve(name);
						HeatmapImages.writeTiff(HeatmapImages.stackForWriting(withMap, m, title + " " + target.className(),
							calibration), file);
						mine.put(target.className(), name);
						if (m != main || !settings.pseudoLabels()) continue;
						final FloatMapFile written = FloatMapFile.ofTiff(file, width, height);
						mainMaps.add(written);
						if (labels != null) {
							labels.add(target.classIndex(), target.className(), target.probability(), full);
							continue;
						}
						FloatMapFile evidenceFile = written;
						if (m.multiLayer()) {
							// The class evidence of the refinement: the mean of the layer maps, as for whole images.
							tiles.stitch(index, k, true, stitcher, monitor);
							final Path raw = dir.resolve(AtomicFiles.TEMPORARY_PREFIX + "evidence-" + k + ".raw");
							temporaries.add(raw);
							evidenceFile = FloatMapFile.writeRaw(raw, stitcher.toFloatMap());
						}
						evidence.add(new BlockRefinement.ClassEvidence(target.classIndex(), target.className(), target
							.probability(), evidenceFile, max(stitcher.toFloatMap())));
					}
					files.put(m, mine);
				}
			}
			ResultJson.Labels written = null;
			if (settings.pseudoLabels() && refine && !evidence.isEmpty()) {
				final int[] czt = image.convertIndexToPosition(Math.max(1, Math.min(plane, image.getStackSize())));
				final boolean rgb = image.getType() == ImagePlus.COLOR_RGB || image.getType() == ImagePlus.COLOR_256;
				final BlockRefinement.Result blocks = BlockRefinement.write(summary.imageName(), image, plane, TileSource.of(
					image, summary.imageName(), czt[1], czt[2]), rgb, evidence, options.refine(), BlockRefinement.BLOCK,
					BlockRefinement.MARGIN, (k, y0, rows, into) -> mainMaps.get(k).read(y0, rows, into), settings.opacity(),
					dir, monitor);
				notes.addAll(blocks.warnings());
				written = new ResultJson.Labels(blocks.classes(), blocks.instances(), options, notes, true);
			}
			else if (settings.pseudoLabels()) {
				final LeanPseudoLabels.Labels lean;
				if (labels == null) {
					// No class reached the target: the empty label files of an image without labels.
					lean = LeanPseudoLabels.write(summary, main, options, image, plane, settings.opacity(), dir);
				}
				else {
					lean = labels.finish((k, y0, rows, into) -> mainMaps.get(k).read(y0, rows, into), image, plane, settings
						.opacity(), dir);
				}
				written = new ResultJson.Labels(lean.classes(), lean.instances(), options, notes, false);
			}
			final ExplainResult batch = new ExplainResult(List.of(summary), bundle.runtime(), tiles.timings());
			AtomicFiles.writeString(dir.resolve(RESULT_JSON), ResultJson.of(bundle, source, summary, batch, settings,
				settingsHash, files, written));
			return new Written(dir, files, null, written == null ? null : written.classes(), written == null ? List.of()
				: written.warnings());
		}
		finally {
			for (final Path raw : temporaries) {
				try {
					java.nio.file.Files.deleteIfExists(raw);
				}
				catch (final java.io.IOException e) {
					// The store's next run removes temporaries left in an output folder
				}
			}
		}
	}

	private static float max(final FloatMap map) {
		float max = 0;
		for (final float v : map.sharedValues()) max = Math.max(max, v);
		return max;
	}

	private static String leanNote(final ImageExplanation explanation) {
		return explanation.imageName() + ": pseudo-labels: " + explanation.width() + "x" + explanation.height() +
			" pixels are more than the image-guided refinement labels (" + LEAN_SIDE + "x" + LEAN_SIDE + "); " +
			"labelled by the paper's protocol (refine none), without instances.tif";
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
				final String name = heatmapFileName(t.className(), several, m, methods);
				HeatmapImages.writeTiff(HeatmapImages.stackForWriting(t, m, title + " " + t.className(), calibration), dir
					.resolve(name));
				mine.put(t.className(), name);
			}
			files.put(m, mine);
		}
		return files;
	}

	/** heatmaps[-CLASS][-M].tif: the class when several are explained, the method after the first. */
	static String heatmapFileName(final String className, final boolean several, final CamMethod method,
		final List<CamMethod> methods)
	{
		return "heatmaps" + (several ? "-" + ResultStore.safeName(className) : "") + (method == methods.get(0) ? ""
			: "-" + fileTag(method)) + ".tif";
	}

	/** A method's name in file names: "gradcam++" becomes "gradcampp". */
	public static String fileTag(final CamMethod method) {
		return ResultStore.safeName(method.id().replace("+", "p"));
	}
}
