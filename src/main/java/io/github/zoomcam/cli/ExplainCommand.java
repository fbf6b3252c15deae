package io.github.zoomcam.cli;

import ij.ImagePlus;
import ij.measure.Calibration;
import io.github.zoomcam.engine.Aggregation;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainCancelledException;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.engine.TargetSpec;
import io.github.zoomcam.engine.ZoomCamEngine;
import io.github.zoomcam.engine.ZoomCamException;
import io.github.zoomcam.ij.ImageConversion;
import io.github.zoomcam.ij.ImageFiles;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.labels.Keep;
import io.github.zoomcam.labels.Threshold;
import io.github.zoomcam.ij.ResultFolder;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** zoomcam explain: heatmap stacks and result.json for each image. */
final class ExplainCommand {

	private final PrintStream out;
	private final PrintStream err;

	ExplainCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/** One input image, read and named. */
	private record Job(Path path, String stem, ImageInput input, Calibration calibration, ImagePlus image) {}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("explain", args, Set.of("model", "out", "layers", "target", "method",
			"aggregation", "device", "batch", "gradcam-layer", "scorecam-channels", "scorecam-batch", "threshold",
			"keep", "min-area", "background", "opacity"), Set.of("overwrite", "input-size-maps", "no-pseudo-labels"));
		final Path model = Paths.get(a.require("model", "give the bundle folder or .zip"));
		final Path outDir = Paths.get(a.require("out", "give the folder to write results to"));
		if (a.positional().isEmpty()) throw new ZoomCamException("no images given: list image files after the options");
		// --method NAME[,NAME...]: the first is the main method (heatmaps.tif, result.json "method"); each
		// further one gets its own stack heatmaps[-CLASS]-<method>.tif.
		final List<CamMethod> methods = CamMethod.parseList(a.get("method", "zoomcam"));
		final int scorecamChannels = a.integer("scorecam-channels", ExplainOptions.DEFAULT_SCORECAM_CHANNELS, 0);
		final int scorecamBatch = a.integer("scorecam-batch", ExplainOptions.DEFAULT_SCORECAM_BATCH, 1);
		final Aggregation aggregation = Aggregation.parse(a.get("aggregation", "max"));
		final DeviceChoice device = DeviceChoice.parse(a.get("device", "auto"));
		final int batchSize = a.integer("batch", 1, 1);
		final boolean overwrite = a.flag("overwrite");
		final TargetSpec targets = TargetSpec.parse(a.get("target", "top1"));
		final AnnotationOptions annotation = a.flag("no-pseudo-labels") ? null : annotationOptions(a, methods.get(0));
		final double opacity = a.number("opacity", 0.5, 0, 1);

		try (ModelBundle bundle = ModelBundle.load(model, device, w -> err.println("warning: " + w))) {
			err.println("model: " + bundle.manifest().name() + ", " + bundle.runtime() + ", self-test " + (bundle
				.selfTest().passed() ? "passed" : "FAILED"));
			final List<String> layers = ExplainOptions.parseLayers(a.get("layers", "default"), bundle.manifest());
			String gradcamLayer = a.get("gradcam-layer", null);
			if (gradcamLayer == null && methods.stream().noneMatch(CamMethod::multiLayer) && a.get("layers",
				null) != null && layers.size() == 1)
			{
				gradcamLayer = layers.get(0);
			}
			targets.validate(bundle.manifest());
			final ExplainOptions options = ExplainOptions.defaults().withLayers(layers).withTargets(targets)
				.withAggregation(aggregation).withGradcamLayer(gradcamLayer).withMethods(methods).withScorecamChannels(
					scorecamChannels).withScorecamBatch(scorecamBatch);
			// Fail on a bad layer name now, not after reading every image.
			for (final String l : layers) {
				if (bundle.manifest().layerIndex(l) < 0) {
					throw new ZoomCamException("unknown layer '" + l + "'; this model's layers are: " + String.join(", ",
						bundle.manifest().layerNames()) + " (or use 'all')");
				}
			}

			final List<String> inputs = a.positional();
			final Set<String> usedStems = new HashSet<>();
			int failed = 0;
			int done = 0;
			int skipped = 0;
			final List<Job> pending = new ArrayList<>();
			for (int i = 0; i < inputs.size(); i++) {
				final Path path = Paths.get(inputs.get(i));
				final String stem = uniqueStem(path, usedStems);
				if (!overwrite && Files.exists(outDir.resolve(stem).resolve("result.json"))) {
					err.println(progress(i + 1, inputs.size()) + path + ": skipped, " + outDir.resolve(stem) +
						" exists (use --overwrite to replace)");
					skipped++;
					continue;
				}
				try {
					final ImagePlus image = ImageFiles.open(path);
					if (image.getNSlices() * image.getNFrames() > 1) {
						err.println("warning: " + path + " has " + image.getNSlices() * image.getNFrames() +
							" planes; explaining the first (use the Fiji command for every slice)");
					}
					pending.add(new Job(path, stem, ImageConversion.toInput(image, path.getFileName().toString(), 1, 1),
						image.getCalibration(), image));
				}
				catch (final ZoomCamException e) {
					err.println(progress(i + 1, inputs.size()) + "skipped: " + e.getMessage());
					failed++;
				}
				if (pending.size() == batchSize || (i == inputs.size() - 1 && !pending.isEmpty())) {
					final int[] counts = explainBatch(bundle, pending, options, methods, layers, outDir, i + 1, inputs
						.size(), annotation, opacity);
					done += counts[0];
					failed += counts[1];
					pending.clear();
				}
			}
			err.println("done: " + done + " explained, " + skipped + " skipped, " + failed + " failed; results in " +
				outDir.toAbsolutePath());
			return failed > 0 ? 1 : 0;
		}
	}

	/** Returns {explained, failed}. A failing batch is retried image by image so one bad image costs only itself. */
	private int[] explainBatch(final ModelBundle bundle, final List<Job> jobs, final ExplainOptions options,
		final List<CamMethod> methods, final List<String> layers, final Path outDir, final int position,
		final int total, final AnnotationOptions annotation, final double opacity)
	{
		final ExplainResult result;
		try {
			result = ZoomCamEngine.explain(bundle, jobs.stream().map(Job::input).toList(), options,
				new MethodOutputs.Progress(err));
		}
		catch (final ExplainCancelledException e) {
			throw e;
		}
		catch (final ZoomCamException e) {
			if (jobs.size() > 1) {
				int ok = 0;
				int bad = 0;
				for (final Job job : jobs) {
					final int[] c = explainBatch(bundle, List.of(job), options, methods, layers, outDir, position, total,
						annotation, opacity);
					ok += c[0];
					bad += c[1];
				}
				return new int[] {ok, bad};
			}
			err.println(progress(position, total) + jobs.get(0).path() + " failed: " + e.getMessage());
			return new int[] {0, 1};
		}
		int ok = 0;
		int bad = 0;
		for (int j = 0; j < jobs.size(); j++) {
			final Job job = jobs.get(j);
			final ImageExplanation image = result.images().get(j);
			try {
				final String labelled = write(bundle, job, image, result, methods, layers, outDir.resolve(job.stem()),
					jobs.size(), annotation, opacity);
				image.warnings().forEach(w -> err.println("warning: " + w));
				err.println(progress(position - jobs.size() + j + 1, total) + job.path() + ": " + summary(image) + labelled +
					String.format(Locale.ROOT, " (%.0f ms/image)", result.timings().totalMs() / jobs.size()));
				ok++;
			}
			catch (final ZoomCamException e) {
				err.println(progress(position, total) + job.path() + " failed: " + e.getMessage());
				bad++;
			}
		}
		return new int[] {ok, bad};
	}

	/** Writes every file of one image (see {@link ResultFolder}); returns a short pseudo-label summary. */
	private static String write(final ModelBundle bundle, final Job job, final ImageExplanation image,
		final ExplainResult batch, final List<CamMethod> methods, final List<String> layers, final Path dir,
		final int batchSize, final AnnotationOptions annotationOptions, final double opacity)
	{
		final ImageAnnotation annotation = ResultFolder.write(dir, bundle, job.path(), job.image(), 1, image, batch,
			methods, layers, batchSize, annotationOptions, opacity).annotation();
		if (annotation == null) return "";
		return "; " + annotation.componentCount() + " component(s) kept";
	}

	/** Pseudo-label settings from the options; the threshold defaults to the paper's value for the method. */
	static AnnotationOptions annotationOptions(final CliArgs a, final CamMethod method) {
		final Threshold threshold = Threshold.parseOrDefault(a.get("threshold", null), method.paperThreshold());
		Keep keep = Keep.parse(a.get("keep", "largest"));
		if (a.get("min-area", null) != null) {
			final int minArea = a.integer("min-area", 1, 1);
			if (keep instanceof Keep.Largest) {
				throw new ZoomCamException("--min-area only applies with --keep all; add --keep all or drop --min-area");
			}
			keep = Keep.all(minArea);
		}
		final String background = a.get("background", null);
		final double backgroundFraction = background == null ? Double.NaN : a.number("background", 0, 0, 1);
		return new AnnotationOptions(threshold, keep, backgroundFraction);
	}

	private static String summary(final ImageExplanation image) {
		if (image.targets().isEmpty()) return "no class reached the target threshold";
		final List<String> parts = new ArrayList<>();
		for (final TargetExplanation t : image.targets()) {
			parts.add(String.format(Locale.ROOT, "%s %.3f", t.className(), t.probability()));
		}
		return String.join(", ", parts);
	}

	static String safe(final String name) {
		return ResultFolder.safeName(name);
	}

	private static String uniqueStem(final Path path, final Set<String> used) {
		return ResultFolder.uniqueStem(path, used);
	}

	private static String progress(final int i, final int total) {
		return "[" + i + "/" + total + "] ";
	}
}
