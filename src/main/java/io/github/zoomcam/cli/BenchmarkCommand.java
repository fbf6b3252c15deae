package io.github.zoomcam.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.MethodMaps;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.engine.TargetSpec;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.Annotator;
import io.github.zoomcam.labels.Box;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.ClassMap;
import io.github.zoomcam.labels.Component;
import io.github.zoomcam.labels.Evaluation;
import io.github.zoomcam.labels.EvaluationReport;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.labels.ImagePrediction;
import io.github.zoomcam.labels.ImageTruth;
import io.github.zoomcam.labels.SmallObjectRecall;
import io.github.zoomcam.labels.AveragePrecision;
import io.github.zoomcam.labels.Ceiling;
import io.github.zoomcam.labels.ClassBox;
import io.github.zoomcam.labels.Foreground;
import io.github.zoomcam.labels.ImageGuidedLabeler;
import io.github.zoomcam.labels.RefineOptions;
import io.github.zoomcam.labels.RefinementEvaluation;
import io.github.zoomcam.synth.SceneKind;
import io.github.zoomcam.synth.InstanceBox;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticImage;
import io.github.zoomcam.synth.SyntheticImageGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * zoomcam benchmark: the paper's comparisons on freshly generated held-out images with exact ground
 * truth, for sparse and crowded scenes, and the pseudo-labels every method gives with the paper's protocol
 * (refinement {@code none}) and with the image-guided refinement, between the floor (label nothing) and the
 * ceiling (the image's own objects, each given its true majority class). Every class is explained in every
 * image (for the localization ranking and the classification mAP); segmentation and pseudo-labels use the
 * maps of the classes present, as weakly supervised pseudo-labelling knows the image-level labels.
 */
final class BenchmarkCommand {

	/** Seeds 1 and 2 made the demo model's training and validation data, 3 the samples. */
	static final long DEFAULT_SEED = 1000;
	/** The held-out seed of crowded scenes. */
	static final long DEFAULT_CROWDED_SEED = 2000;
	/**
	 * Validation seeds the refinement's defaults were tuned on (sparse 500, crowded 600): refused here, so
	 * that the benchmark's figures are always on images the defaults never saw.
	 */
	static final List<Long> TUNING_SEEDS = List.of(500L, 600L);
	/** Images per scene by default: both scenes, every method, in about a quarter of an hour on 2 cores. */
	static final int DEFAULT_N = 100;

	/** The targets (fractions and milliseconds). */
	static final double TARGET_SPARSE_MIOU = 0.70;
	static final double TARGET_SPARSE_BOX_RECALL = 0.75;
	static final double TARGET_SPARSE_BOX_PRECISION = 0.70;
	static final double TARGET_CROWDED_MIOU = 0.55;
	static final double TARGET_MS_512 = 20;

	private final PrintStream out;
	private final PrintStream err;

	BenchmarkCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/** One row of the tables: a method on a layer subset. */
	record Config(String name, CamMethod method, List<String> layers) {}

	/** One scene kind and its held-out seed. */
	record Scene(SceneKind kind, long seed) {}

	/** One image of a scene, kept for the pseudo-label pass: its guide, truth and each method's class maps. */
	private record Kept(String name, int width, int height, float[] guide, int[] labels, List<ClassBox> truthBoxes,
		List<List<ClassMap>> maps)
	{}

	/** What one scene measured. */
	record SceneResult(Scene scene, int n, List<EvaluationReport> paper, double[] explainMillis,
		List<RefinementEvaluation.Report> labels, double mAP, double[] ap, Time512 time512)
	{}

	/** The refinement's time on a 512x512 image (median wall, mean CPU of the Java threads per run). */
	record Time512(double medianWallMs, double cpuMs, int classes, int instances) {}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("benchmark", args, Set.of("n", "seed", "crowded-seed", "scenes", "model", "out",
			"batch", "device", "small-area", "refine", "methods"), Set.of());
		final int n = a.integer("n", DEFAULT_N, 1);
		final long sparseSeed = a.integer("seed", (int) DEFAULT_SEED, 0);
		final long crowdedSeed = a.integer("crowded-seed", (int) DEFAULT_CROWDED_SEED, 0);
		final Path model = Paths.get(a.get("model", DemoCommand.home().resolve(DemoCommand.MODEL).toString()));
		final Path outDir = Paths.get(a.get("out", "benchmark-output"));
		final int batch = a.integer("batch", 8, 1);
		final int smallArea = a.integer("small-area", SmallObjectRecall.DEFAULT_MIN_AREA, 1);
		final DeviceChoice device = DeviceChoice.parse(a.get("device", "auto"));
		final RefineOptions refine = RefineOptions.parse(a.get("refine", "image"));
		final List<CamMethod> methods = CamMethod.parseList(a.get("methods", "all"));
		if (refine.isNone()) {
			throw new ZoomCamException("--refine none is always measured; give the image-guided setting to compare "
				+ "with it, e.g. --refine image (the default) or --refine \"image method=Otsu\"");
		}
		final List<Scene> scenes = new ArrayList<>();
		for (final String s : a.get("scenes", "sparse,crowded").split(",")) {
			final SceneKind kind = SceneKind.parse(s);
			if (scenes.stream().anyMatch(x -> x.kind() == kind)) continue;
			scenes.add(new Scene(kind, kind == SceneKind.CROWDED ? crowdedSeed : sparseSeed));
		}

		final SynthOptions synth = synthOptions(model);
		final List<Long> trainingSeeds = trainingSeeds(model);
		for (final Scene scene : scenes) {
			final String option = scene.kind() == SceneKind.CROWDED ? "--crowded-seed" : "--seed";
			if (trainingSeeds.contains(scene.seed())) {
				throw new ZoomCamException("seed " + scene.seed() + " made the model's training or validation data; use " +
					"another " + option + " for held-out images (default " + (scene.kind() == SceneKind.CROWDED
						? DEFAULT_CROWDED_SEED : DEFAULT_SEED) + ")");
			}
			if (TUNING_SEEDS.contains(scene.seed())) {
				throw new ZoomCamException("seed " + scene.seed() + " was used to tune the refinement's defaults; use " +
					"another " + option + " for held-out images");
			}
		}
		try (ModelBundle bundle = ModelBundle.load(model, device, w -> err.println("warning: " + w))) {
			final List<String> classes = bundle.manifest().classes();
			final List<Config> configs = configs(methods, bundle.manifest().layerNames(), bundle.manifest()
				.defaultLayers());
			final List<SceneResult> results = new ArrayList<>();
			for (final Scene scene : scenes) {
				err.println("benchmark: " + n + " held-out " + scene.kind().id() + " images (seed " + scene.seed() + ", " +
					synth.width() + "x" + synth.height() + "), model " + bundle.manifest().name() + " on " + bundle
						.runtime());
				final SceneResult r = scene(bundle, configs, methods, classes, synth.withScene(scene.kind()), scene, n,
					batch, smallArea, refine);
				results.add(r);
				print(r, configs, classes, smallArea, batch, refine);
			}
			out.println(targets(results, refine));
			out.println("load average (1, 5, 15 min): " + loadAverage());
			final Path csvFile = outDir.resolve("benchmark.csv");
			AtomicFiles.writeString(csvFile, paperCsv(results, configs));
			final Path labelsCsv = outDir.resolve("pseudo-labels.csv");
			AtomicFiles.writeString(labelsCsv, labelsCsv(results, classes));
			out.println("CSV: " + csvFile + ", " + labelsCsv);
			return 0;
		}
	}

	/** Explains one scene's images with every configuration, then scores the pseudo-labels of every method. */
	private SceneResult scene(final ModelBundle bundle, final List<Config> configs, final List<CamMethod> methods,
		final List<String> classes, final SynthOptions synth, final Scene scene, final int n, final int batch, final int smallArea,
		final RefineOptions refine)
	{
		final long seed = scene.seed();
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(synth);
		final List<Evaluation> evaluations = new ArrayList<>();
		final double[] millis = new double[configs.size()];
		for (final Config c : configs) evaluations.add(new Evaluation(c.name(), classes, smallArea));
		final TargetSpec allClasses = new TargetSpec.Classes(classes);
		final List<Kept> kept = new ArrayList<>();
		final float[][] scores = new float[n][];
		final boolean[][] present = new boolean[n][];
		// Warm-up (native kernels, allocator) so the first configuration's time is not inflated.
		bundle.explainer().explain(List.of(toInput(generator.generate(seed, n))), ExplainOptions.builder()
			.targets(allClasses).build());
		for (int start = 0; start < n; start += batch) {
			final List<SyntheticImage> images = new ArrayList<>();
			for (int i = start; i < Math.min(n, start + batch); i++) images.add(generator.generate(seed, i));
			final List<ImageInput> inputs = images.stream().map(BenchmarkCommand::toInput).toList();
			final List<List<List<ClassMap>>> mapsOfBatch = new ArrayList<>();
			for (int i = 0; i < images.size(); i++) mapsOfBatch.add(new ArrayList<>());
			for (int c = 0; c < configs.size(); c++) {
				final Config config = configs.get(c);
				final ExplainOptions options = ExplainOptions.builder().layers(config.layers()).targets(
					allClasses).methods(List.of(config.method())).build();
				final long t0 = System.nanoTime();
				final ExplainResult result = bundle.explainer().explain(inputs, options);
				millis[c] += (System.nanoTime() - t0) / 1e6;
				for (int i = 0; i < images.size(); i++) {
					final SyntheticImage image = images.get(i);
					final List<ClassMap> truthClasses = add(evaluations.get(c), image, result.images().get(i), config
						.method());
					// The first configurations are the methods with the bundle's default layers, in the given order.
					if (c < methods.size()) mapsOfBatch.get(i).add(truthClasses);
					if (c == 0) {
						scores[start + i] = result.images().get(i).probabilities();
						present[start + i] = image.classesPresent();
					}
				}
			}
			for (int i = 0; i < images.size(); i++) {
				final SyntheticImage image = images.get(i);
				kept.add(new Kept(image.name(), image.width(), image.height(), guide(image), image.classLabels(),
					truthBoxes(image), mapsOfBatch.get(i)));
			}
			err.println("[" + Math.min(n, start + batch) + "/" + n + "] " + scene.kind().id() + " images explained");
		}
		final List<RefinementEvaluation.Report> labels = labels(kept, methods, classes, smallArea, refine);
		final double[] ap = new double[classes.size()];
		for (int c = 0; c < ap.length; c++) ap[c] = AveragePrecision.of(scores, present, c);
		return new SceneResult(scene, n, evaluations.stream().map(Evaluation::report).toList(), millis.clone(),
			labels, AveragePrecision.mean(scores, present, classes.size()), ap, time512(kept, Math.max(0, methods.indexOf(
				CamMethod.ZOOMCAM)), classes, refine));
	}

	/**
	 * The pseudo-label rows of one scene: floor, ceiling, then each method with refinement none and with the
	 * image-guided refinement, timed (wall clock and CPU of the Java threads) after the explanations, so that the
	 * network's threads are idle.
	 */
	private static List<RefinementEvaluation.Report> labels(final List<Kept> kept, final List<CamMethod> methods,
		final List<String> classes, final int smallArea, final RefineOptions refine)
	{
		pause();
		final List<RefinementEvaluation.Report> rows = new ArrayList<>();
		final RefinementEvaluation floor = new RefinementEvaluation("floor (label nothing)", classes, smallArea);
		final RefinementEvaluation ceiling = new RefinementEvaluation("ceiling (true class per image object)", classes,
			smallArea);
		for (final Kept k : kept) {
			floor.add(k.name(), k.labels(), k.truthBoxes(), new int[k.labels().length], List.of());
			final Foreground fg = ImageGuidedLabeler.foreground(k.name(), k.guide(), k.width(), k.height(), refine);
			ceiling.add(k.name(), k.labels(), k.truthBoxes(), Ceiling.annotate(k.name(), fg, k.labels(), classes, refine
				.minArea()));
		}
		rows.add(floor.report());
		rows.add(ceiling.report());
		final CpuClock os = cpuClock();
		for (int m = 0; m < methods.size(); m++) {
			final CamMethod method = methods.get(m);
			final AnnotationOptions paper = AnnotationOptions.paper(method.paperThreshold());
			for (final AnnotationOptions options : List.of(paper, paper.withRefine(refine))) {
				final String name = method.id() + " " + (options.refine().isNone() ? "none" : "image");
				final RefinementEvaluation evaluation = new RefinementEvaluation(name, classes, smallArea);
				// Labelling first, all images in one go (the CPU clock is read once around the whole loop), then
				// scoring.
				final List<ImageAnnotation> annotations = new ArrayList<>();
				long wall = 0;
				final long cpu0 = os == null ? 0 : os.nanos();
				for (final Kept k : kept) {
					final long t0 = System.nanoTime();
					annotations.add(Annotator.annotate(k.name(), k.width(), k.height(), k.maps().get(m), k.guide(),
						options));
					wall += System.nanoTime() - t0;
				}
				evaluation.addTime(wall, os == null ? 0 : Math.max(0, os.nanos() - cpu0), kept.size());
				for (int i = 0; i < kept.size(); i++) {
					final Kept k = kept.get(i);
					evaluation.add(k.name(), k.labels(), k.truthBoxes(), annotations.get(i));
				}
				rows.add(evaluation.report());
			}
		}
		return rows;
	}

	/**
	 * The refinement's time on a 512x512 image with 4 classes: the scene's first 16 images tiled 4 x 4, each
	 * class's maps of method {@code m} (Zoom-CAM when measured) placed where the class is present (zero elsewhere); 10 warm-up runs, then 31
	 * timed ones: the median wall-clock time and the mean CPU time of the Java threads.
	 */
	private static Time512 time512(final List<Kept> kept, final int m, final List<String> classes,
		final RefineOptions refine)
	{
		if (kept.isEmpty()) return null;
		final int tile = kept.get(0).width();
		final int tileH = kept.get(0).height();
		final int size = 4 * tile;
		final int sizeH = 4 * tileH;
		final float[] guide = new float[size * sizeH];
		final float[][] maps = new float[classes.size()][size * sizeH];
		final float[][] evidence = new float[classes.size()][size * sizeH];
		for (int t = 0; t < 16; t++) {
			final Kept k = kept.get(t % kept.size());
			if (k.width() != tile || k.height() != tileH) return null;
			final int ox = (t % 4) * tile;
			final int oy = (t / 4) * tileH;
			for (int y = 0; y < tileH; y++) {
				System.arraycopy(k.guide(), y * tile, guide, (oy + y) * size + ox, tile);
				for (final ClassMap map : k.maps().get(m)) {
					System.arraycopy(map.map(), y * tile, maps[map.classIndex()], (oy + y) * size + ox, tile);
					System.arraycopy(map.evidenceMap(), y * tile, evidence[map.classIndex()], (oy + y) * size + ox, tile);
				}
			}
		}
		final List<ClassMap> classMaps = new ArrayList<>();
		for (int c = 0; c < classes.size(); c++) classMaps.add(new ClassMap(c, classes.get(c), 1f, maps[c], evidence[c]));
		final AnnotationOptions options = AnnotationOptions.paper(CamMethod.ZOOMCAM.paperThreshold()).withRefine(refine);
		ImageAnnotation last = null;
		for (int i = 0; i < 10; i++) last = Annotator.annotate("512", size, sizeH, classMaps, guide, options);
		pause();
		final CpuClock os = cpuClock();
		final double[] ms = new double[31];
		final long cpu0 = os == null ? 0 : os.nanos();
		for (int i = 0; i < ms.length; i++) {
			final long t0 = System.nanoTime();
			last = Annotator.annotate("512", size, sizeH, classMaps, guide, options);
			ms[i] = (System.nanoTime() - t0) / 1e6;
		}
		final double cpu = os == null ? Double.NaN : (os.nanos() - cpu0) / 1e6 / ms.length;
		Arrays.sort(ms);
		return new Time512(ms[ms.length / 2], cpu, classes.size(), last.instances().size());
	}

	private void print(final SceneResult r, final List<Config> configs, final List<String> classes,
		final int smallArea, final int batch, final RefineOptions refine)
	{
		final String title = r.scene().kind().id() + " scenes, seed " + r.scene().seed() + ", " + r.n() + " held-out images";
		out.println("== " + title + " ==");
		out.println("Per-class IoU and mIoU (%) (Table II layout; the paper's protocol, refinement none):");
		out.println(EvaluationReport.segmentationTable(r.paper()));
		out.println("Localization (%) (Table I layout; small objects < " + smallArea + " px, pixels at least half " +
			"covered):");
		out.println(EvaluationReport.localizationTable(r.paper()));
		out.println("Time (all " + classes.size() + " classes explained per image, batch " + batch + "):");
		final StringBuilder times = new StringBuilder(String.format(Locale.ROOT, "%-22s %s%n", "Method",
			"ms/image"));
		for (int c = 0; c < configs.size(); c++) {
			times.append(String.format(Locale.ROOT, "%-22s %.1f%n", configs.get(c).name(), r.explainMillis()[c] / r.n()));
		}
		out.println(times);
		out.println(verdict(r.paper()));
		out.println();
		out.println("Pseudo-labels (%), classes present explained; refinement image = " + refine + ";");
		out.println("boxes one-to-one, same class, IoU >= 0.5; small = instances < " + smallArea + " px; ms = the " +
			"labelling per image (wall / CPU of the Java threads):");
		out.println(labelsTable(r.labels(), classes));
		out.printf(Locale.ROOT, "Classification mAP (all classes, %d images): %.4f (AP %s)%n", r.n(), r.mAP(),
			apText(r.ap(), classes));
		if (r.time512() != null) {
			out.printf(Locale.ROOT, "Refinement of a 512x512 image, %d classes (16 tiles of this scene, %d instances): "
				+ "median %.1f ms wall, %.1f ms CPU%n", r.time512().classes(), r.time512().instances(), r
					.time512().medianWallMs(), r.time512().cpuMs());
		}
		out.println();
	}

	static String labelsTable(final List<RefinementEvaluation.Report> rows, final List<String> classes) {
		final StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-38s %6s", "Labelling", "mIoU"));
		s.append(String.format(Locale.ROOT, " %6s", "bg"));
		for (final String c : classes) s.append(String.format(Locale.ROOT, " %7s", c.length() > 7 ? c.substring(0, 7) : c));
		s.append(String.format(Locale.ROOT, " | %5s %5s %5s | %7s %7s%n", "boxR", "boxP", "smlR", "ms", "cpu ms"));
		for (final RefinementEvaluation.Report r : rows) {
			s.append(String.format(Locale.ROOT, "%-38s %6s", r.name(), pct(r.meanIoU())));
			final double[] iou = r.classIoU();
			s.append(String.format(Locale.ROOT, " %6s", pct(iou[0])));
			for (int c = 1; c < iou.length; c++) s.append(String.format(Locale.ROOT, " %7s", pct(iou[c])));
			s.append(String.format(Locale.ROOT, " | %5s %5s %5s | %7s %7s%n", pct(r.boxRecall()), pct(r.boxPrecision()),
				pct(r.smallRecall()), ms(r.msWall()), ms(r.msCpu())));
		}
		return s.toString();
	}

	/** The targets, each stated as met or missed with its numbers. */
	static String targets(final List<SceneResult> results, final RefineOptions refine) {
		final StringBuilder s = new StringBuilder("Targets (held-out seeds, bundled model, refinement " + refine
			.mode().id() + (refine.equals(RefineOptions.defaults()) ? " with its defaults" : " = " + refine) + "):\n");
		for (final SceneResult r : results) {
			final RefinementEvaluation.Report zoom = row(r, CamMethod.ZOOMCAM.id() + " image");
			final RefinementEvaluation.Report grad = row(r, CamMethod.GRADCAM.id() + " image");
			final RefinementEvaluation.Report ceiling = r.labels().get(1);
			final String scene = r.scene().kind().id();
			if (zoom == null) {
				s.append("  (Zoom-CAM not measured on " + scene + " scenes: no targets checked)\n");
				continue;
			}
			if (r.scene().kind() == SceneKind.SPARSE) {
				s.append(line(zoom.meanIoU() >= TARGET_SPARSE_MIOU, String.format(Locale.ROOT, "sparse mIoU >= 70%%: " +
					"zoomcam image %s%% (ceiling %s%%)", pct(zoom.meanIoU()), pct(ceiling.meanIoU()))));
				s.append(line(zoom.boxRecall() >= TARGET_SPARSE_BOX_RECALL && zoom.boxPrecision()
					>= TARGET_SPARSE_BOX_PRECISION, String.format(Locale.ROOT, "sparse box recall >= 75%% at precision " +
						">= 70%%: zoomcam image %s%% / %s%% (ceiling %s%% / %s%%)", pct(zoom.boxRecall()), pct(zoom
							.boxPrecision()), pct(ceiling.boxRecall()), pct(ceiling.boxPrecision()))));
			}
			else {
				s.append(line(zoom.meanIoU() >= TARGET_CROWDED_MIOU, String.format(Locale.ROOT, "crowded mIoU >= 55%%: " +
					"zoomcam image %s%% (ceiling %s%%)", pct(zoom.meanIoU()), pct(ceiling.meanIoU()))));
			}
			if (grad != null) s.append(line(zoom.meanIoU() >= grad.meanIoU(), String.format(Locale.ROOT, "%s: Zoom-CAM at least as " +
				"good as Grad-CAM under the same refinement: mIoU %s%% vs %s%%, box recall %s%% vs %s%%", scene, pct(zoom
					.meanIoU()), pct(grad.meanIoU()), pct(zoom.boxRecall()), pct(grad.boxRecall()))));
			if (r.time512() != null) {
				s.append(line(r.time512().medianWallMs() < TARGET_MS_512, String.format(Locale.ROOT, "%s: refinement " +
					"of a 512x512 image < 20 ms: median %.1f ms wall (%.1f ms CPU)", scene, r.time512()
						.medianWallMs(), r.time512().cpuMs())));
			}
		}
		return s.toString();
	}

	private static String line(final boolean met, final String text) {
		return (met ? "  MET     " : "  MISSED  ") + text + "\n";
	}

	private static RefinementEvaluation.Report row(final SceneResult r, final String name) {
		return r.labels().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
	}

	static String paperCsv(final List<SceneResult> results, final List<Config> configs) {
		final StringBuilder csv = new StringBuilder();
		for (final SceneResult r : results) {
			final String[] lines = EvaluationReport.csv(r.paper()).split("\n");
			if (csv.length() == 0) csv.append(lines[0]).append(",layers,ms_per_image,scene,seed,images\n");
			for (int c = 0; c < configs.size(); c++) {
				csv.append(lines[c + 1]).append(',').append(configs.get(c).layers().size()).append(',').append(String
					.format(Locale.ROOT, "%.2f", r.explainMillis()[c] / r.n())).append(',').append(r.scene().kind().id())
					.append(',').append(r.scene().seed()).append(',').append(r.n()).append('\n');
			}
		}
		return csv.toString();
	}

	static String labelsCsv(final List<SceneResult> results, final List<String> classes) {
		final StringBuilder csv = new StringBuilder("scene,seed,images,labelling,iou_background");
		for (final String c : classes) csv.append(",iou_").append(c);
		csv.append(",miou,box_recall,box_precision,small_object_recall,truth_instances,predicted_instances,"
			+ "ms_wall_per_image,ms_cpu_per_image\n");
		for (final SceneResult r : results) {
			for (final RefinementEvaluation.Report row : r.labels()) {
				csv.append(r.scene().kind().id()).append(',').append(r.scene().seed()).append(',').append(r.n()).append(
					',').append(row.name());
				for (final double iou : row.classIoU()) csv.append(',').append(frac(iou));
				csv.append(',').append(frac(row.meanIoU())).append(',').append(frac(row.boxRecall())).append(',').append(
					frac(row.boxPrecision())).append(',').append(frac(row.smallRecall())).append(',').append(row
						.truthInstances()).append(',').append(row.predictedInstances()).append(',').append(frac(row
							.msWall())).append(',').append(frac(row.msCpu())).append('\n');
			}
		}
		return csv.toString();
	}

	private static String pct(final double v) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * v);
	}

	private static String ms(final double v) {
		return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
	}

	private static String frac(final double v) {
		return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
	}

	private static String apText(final double[] ap, final List<String> classes) {
		final StringBuilder s = new StringBuilder();
		for (int c = 0; c < ap.length; c++) {
			if (c > 0) s.append(", ");
			s.append(classes.get(c)).append(' ').append(Double.isNaN(ap[c]) ? "-" : String.format(Locale.ROOT, "%.3f",
				ap[c]));
		}
		return s.toString();
	}

	/**
	 * CPU time of all the JVM's Java threads (the labelling's own thread and ImageJ's worker threads; not the
	 * network's native threads, which may still spin after an explain call), nanoseconds, or null where the
	 * JVM does not measure thread CPU time. Java's process-wide CPU clock lives in com.sun.management, which
	 * the package rules keep out of the commands.
	 */
	@FunctionalInterface
	interface CpuClock {
		long nanos();
	}

	private static CpuClock cpuClock() {
		final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		if (!threads.isThreadCpuTimeSupported()) return null;
		if (!threads.isThreadCpuTimeEnabled()) threads.setThreadCpuTimeEnabled(true);
		return () -> {
			long sum = 0;
			for (final long id : threads.getAllThreadIds()) sum += Math.max(0, threads.getThreadCpuTime(id));
			return sum;
		};
	}

	/** The system load average as the OS reports it (/proc/loadavg on Linux), or the JVM's 1-minute figure. */
	static String loadAverage() {
		try {
			final Path proc = Paths.get("/proc/loadavg");
			if (Files.isReadable(proc)) {
				final String[] f = Files.readString(proc).trim().split("\\s+");
				return f[0] + " " + f[1] + " " + f[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
			}
		}
		catch (final IOException | RuntimeException e) {
			// fall through
		}
		return String.format(Locale.ROOT, "%.2f (1 min; %d cores)", ManagementFactory.getOperatingSystemMXBean()
			.getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
	}

	/** Lets the network's worker threads go idle (they spin a while after each call) before timing the labelling. */
	private static void pause() {
		try {
			Thread.sleep(500);
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Each given method with the bundle's default layers (single-layer methods at the bundle's Grad-CAM layer;
	 * Score-CAM with its default channel limit), then, when Zoom-CAM is among them, Zoom-CAM on the paper's
	 * Fig. 3 layer subsets.
	 */
	static List<Config> configs(final List<CamMethod> methods, final List<String> allLayers,
		final List<String> defaultLayers)
	{
		final List<Config> configs = new ArrayList<>();
		for (final CamMethod m : methods) configs.add(new Config(m.id(), m, defaultLayers));
		if (!methods.contains(CamMethod.ZOOMCAM)) return configs;
		for (final int k : new int[] {1, 2, 4}) {
			if (k < allLayers.size()) {
				configs.add(new Config("zoomcam last " + k, CamMethod.ZOOMCAM, allLayers.subList(allLayers.size() - k,
					allLayers.size())));
			}
		}
		configs.add(new Config("zoomcam all " + allLayers.size(), CamMethod.ZOOMCAM, allLayers));
		return configs;
	}

	/**
	 * Adds one image's paper-protocol scores to the evaluation; returns the class maps of the classes present
	 * (map: the method's map; evidence for image-guided refinement: the mean of the normalised layer maps
	 * for multi-layer methods, as {@link ClassMap} recommends).
	 */
	private static List<ClassMap> add(final Evaluation evaluation, final SyntheticImage image,
		final ImageExplanation explained, final CamMethod method)
	{
		final int w = image.width();
		final int h = image.height();
		final boolean[] present = image.classesPresent();
		final AnnotationOptions paper = AnnotationOptions.paper(method.paperThreshold());
		final List<ClassMap> all = new ArrayList<>();
		final List<ClassMap> truthClasses = new ArrayList<>();
		final Map<Integer, float[]> truthMaps = new HashMap<>();
		for (final TargetExplanation t : explained.targets()) {
			final ClassMap map = new ClassMap(t.classIndex(), t.className(), t.probability(), t.map(method).toArray());
			all.add(map);
			if (present[t.classIndex()]) {
				truthClasses.add(new ClassMap(t.classIndex(), t.className(), t.probability(), map.map(), evidence(t
					.methodMaps(method), w, h)));
				truthMaps.put(t.classIndex(), map.map());
			}
		}
		final ImageAnnotation everyClass = Annotator.annotate(image.name(), w, h, all, paper);
		final Map<Integer, Box> boxes = new HashMap<>();
		for (final ClassAnnotation c : everyClass.classes()) {
			c.label().components().stream().max(Comparator.comparingInt(Component::area)).ifPresent(k -> boxes.put(c
				.classIndex(), k.box()));
		}
		final int[] labels = Annotator.annotate(image.name(), w, h, truthClasses, paper).labelImage();
		final float[] p = explained.probabilities();
		final int[] ranked = IntStream.range(0, p.length).boxed().sorted((x, y) -> Float.compare(p[y], p[x]))
			.mapToInt(Integer::intValue).toArray();
		final Map<Integer, List<Box>> truthBoxes = new LinkedHashMap<>();
		for (final InstanceBox b : image.instances()) {
			truthBoxes.computeIfAbsent(b.synthClass().index(), k -> new ArrayList<>()).add(new Box(b.x(), b.y(), b
				.width(), b.height()));
		}
		evaluation.add(new ImageTruth(image.name(), w, h, image.classLabels(), image.instanceIds(), truthBoxes),
			new ImagePrediction(labels, ranked, boxes, truthMaps));
		return truthClasses;
	}

	/** The mean of a multi-layer method's normalised layer maps at the image's size; null for one layer. */
	private static float[] evidence(final MethodMaps maps, final int w, final int h) {
		final List<FloatMap> layers = maps.hasLayerMapsAtOriginal() ? maps.layerMapsAtOriginal() : maps
			.layerMapsAtInput();
		if (layers.size() < 2 || layers.get(0).width() != w || layers.get(0).height() != h) return null;
		return ClassMap.meanOfLayers(layers.stream().map(FloatMap::toArray).toList());
	}

	/** The first channel, as the refinement's guide (the generator's images are grey). */
	private static float[] guide(final SyntheticImage image) {
		final float[] guide = new float[image.width() * image.height()];
		for (int p = 0; p < guide.length; p++) guide[p] = image.pixels()[0][p];
		return guide;
	}

	private static List<ClassBox> truthBoxes(final SyntheticImage image) {
		final List<ClassBox> boxes = new ArrayList<>();
		for (final InstanceBox b : image.instances()) {
			boxes.add(new ClassBox(b.synthClass().index(), new Box(b.x(), b.y(), b.width(), b.height()), b.areaPx()));
		}
		return boxes;
	}

	private static ImageInput toInput(final SyntheticImage image) {
		final float[][] planes = new float[image.channels()][];
		for (int c = 0; c < planes.length; c++) {
			planes[c] = new float[image.pixels()[c].length];
			for (int i = 0; i < planes[c].length; i++) planes[c][i] = image.pixels()[c][i];
		}
		return new ImageInput(image.name(), image.width(), image.height(), image.bitDepth(), planes);
	}

	/** The paper's claims, stated against the measured numbers. */
	static String verdict(final List<EvaluationReport> reports) {
		final EvaluationReport zoom = find(reports, CamMethod.ZOOMCAM.id());
		final EvaluationReport grad = find(reports, CamMethod.GRADCAM.id());
		if (zoom == null || grad == null) return "";
		return String.format(Locale.ROOT, "Zoom-CAM vs Grad-CAM: mIoU %.1f%% vs %.1f%% (%s); small-object recall " +
			"%.1f%% vs %.1f%% (ratio %.2f, goal >= 2)", 100 * zoom.meanIoU(), 100 * grad.meanIoU(), zoom.meanIoU() > grad
				.meanIoU() ? "Zoom-CAM higher" : "Zoom-CAM NOT higher", 100 * zoom.smallObjectRecall(), 100 * grad
					.smallObjectRecall(), zoom.smallObjectRecall() / grad.smallObjectRecall());
	}

	private static EvaluationReport find(final List<EvaluationReport> reports, final String method) {
		return reports.stream().filter(r -> r.method().equals(method)).findFirst().orElse(null);
	}

	/** The generator settings the model was trained with (its zoomcam.json "training.synth"), else the defaults. */
	static SynthOptions synthOptions(final Path model) {
		final JsonObject synth = trainingSynth(model);
		if (synth == null) return SynthOptions.defaults();
		return SynthOptions.defaults().withSize(synth.get("size").getAsInt(), synth.get("size").getAsInt())
			.withChannels(synth.get("channels").getAsInt()).withBitDepth(synth.get("bit_depth").getAsInt());
	}

	private static List<Long> trainingSeeds(final Path model) {
		final JsonObject synth = trainingSynth(model);
		if (synth == null) return List.of();
		final List<Long> seeds = new ArrayList<>();
		for (final String key : List.of("train_seed", "heldout_seed")) {
			if (synth.has(key)) seeds.add(synth.get(key).getAsLong());
		}
		return seeds;
	}

	private static JsonObject trainingSynth(final Path model) {
		final Path json = Files.isDirectory(model) ? model.resolve("zoomcam.json") : null;
		if (json == null || !Files.isRegularFile(json)) return null;
		try {
			final JsonObject root = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8))
				.getAsJsonObject();
			if (!root.has("training") || !root.getAsJsonObject("training").has("synth")) return null;
			return root.getAsJsonObject("training").getAsJsonObject("synth");
		}
		catch (final IOException | RuntimeException e) {
			return null;
		}
	}
}
