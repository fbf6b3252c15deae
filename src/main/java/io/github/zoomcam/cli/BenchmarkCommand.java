package io.github.zoomcam.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.engine.TargetSpec;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.core.AtomicFiles;
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
import io.github.zoomcam.synth.InstanceBox;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticImage;
import io.github.zoomcam.synth.SyntheticImageGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
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
 * truth. Every class is explained in every image (for the localization ranking); segmentation uses the
 * maps of the classes present, as weakly supervised pseudo-labelling knows the image-level labels.
 */
final class BenchmarkCommand {

	/** Seeds 1 and 2 made the demo model's training and validation data, 3 the samples. */
	static final long DEFAULT_SEED = 1000;

	private final PrintStream out;
	private final PrintStream err;

	BenchmarkCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/** One row of the tables: a method on a layer subset. */
	record Config(String name, CamMethod method, List<String> layers) {}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("benchmark", args, Set.of("n", "seed", "model", "out", "batch", "device",
			"small-area"), Set.of());
		final int n = a.integer("n", 200, 1);
		final long seed = a.integer("seed", (int) DEFAULT_SEED, 0);
		final Path model = Paths.get(a.get("model", DemoCommand.home().resolve(DemoCommand.MODEL).toString()));
		final Path outDir = Paths.get(a.get("out", "benchmark-output"));
		final int batch = a.integer("batch", 8, 1);
		final int smallArea = a.integer("small-area", SmallObjectRecall.DEFAULT_MIN_AREA, 1);
		final DeviceChoice device = DeviceChoice.parse(a.get("device", "auto"));

		final SynthOptions synth = synthOptions(model);
		final List<Long> trainingSeeds = trainingSeeds(model);
		if (trainingSeeds.contains(seed)) {
			throw new ZoomCamException("seed " + seed + " made the model's training or validation data; use another " +
				"--seed for held-out images (default " + DEFAULT_SEED + ")");
		}
		try (ModelBundle bundle = ModelBundle.load(model, device, w -> err.println("warning: " + w))) {
			final List<String> classes = bundle.manifest().classes();
			final List<Config> configs = configs(bundle.manifest().layerNames(), bundle.manifest().defaultLayers());
			err.println("benchmark: " + n + " held-out images (seed " + seed + ", " + synth.width() + "x" + synth
				.height() + "), model " + bundle.manifest().name() + " on " + bundle.runtime());
			final SyntheticImageGenerator generator = new SyntheticImageGenerator(synth);
			final List<Evaluation> evaluations = new ArrayList<>();
			final double[] millis = new double[configs.size()];
			for (final Config c : configs) evaluations.add(new Evaluation(c.name(), classes, smallArea));
			final TargetSpec allClasses = new TargetSpec.Classes(classes);
			// Warm-up (native kernels, allocator) so the first configuration's time is not inflated.
			bundle.explainer().explain(List.of(toInput(generator.generate(seed, n))), ExplainOptions.builder()
				.targets(allClasses).build());
			for (int start = 0; start < n; start += batch) {
				final List<SyntheticImage> images = new ArrayList<>();
				for (int i = start; i < Math.min(n, start + batch); i++) images.add(generator.generate(seed, i));
				final List<ImageInput> inputs = images.stream().map(BenchmarkCommand::toInput).toList();
				for (int c = 0; c < configs.size(); c++) {
					final Config config = configs.get(c);
					final ExplainOptions options = ExplainOptions.builder().layers(config.layers()).targets(
						allClasses).methods(List.of(config.method())).build();
					final long t0 = System.nanoTime();
					final ExplainResult result = bundle.explainer().explain(inputs, options);
					millis[c] += (System.nanoTime() - t0) / 1e6;
					for (int i = 0; i < images.size(); i++) {
						add(evaluations.get(c), images.get(i), result.images().get(i), config.method());
					}
				}
				err.println("[" + Math.min(n, start + batch) + "/" + n + "] images evaluated");
			}
			final List<EvaluationReport> reports = evaluations.stream().map(Evaluation::report).toList();
			out.println("Per-class IoU and mIoU (%) on " + n + " held-out images (Table II layout):");
			out.println(EvaluationReport.segmentationTable(reports));
			out.println("Localization (%) (Table I layout; small objects < " + smallArea + " px, pixels at least half " +
				"covered):");
			out.println(EvaluationReport.localizationTable(reports));
			out.println("Time (all " + classes.size() + " classes explained per image, batch " + batch + "):");
			final StringBuilder times = new StringBuilder(String.format(Locale.ROOT, "%-22s %s%n", "Method",
				"ms/image"));
			for (int c = 0; c < configs.size(); c++) {
				times.append(String.format(Locale.ROOT, "%-22s %.1f%n", configs.get(c).name(), millis[c] / n));
			}
			out.println(times);
			out.println(verdict(reports));
			final StringBuilder csv = new StringBuilder();
			final String[] lines = EvaluationReport.csv(reports).split("\n");
			csv.append(lines[0]).append(",layers,ms_per_image\n");
			for (int c = 0; c < configs.size(); c++) {
				csv.append(lines[c + 1]).append(',').append(configs.get(c).layers().size()).append(',').append(String
					.format(Locale.ROOT, "%.2f", millis[c] / n)).append('\n');
			}
			final Path csvFile = outDir.resolve("benchmark.csv");
			AtomicFiles.writeString(csvFile, csv.toString());
			out.println("CSV: " + csvFile);
			return 0;
		}
	}

	/**
	 * Every method with the bundle's default layers (single-layer methods at the bundle's Grad-CAM layer;
	 * Score-CAM with its default channel limit), then Zoom-CAM on the paper's Fig. 3 layer subsets.
	 */
	static List<Config> configs(final List<String> allLayers, final List<String> defaultLayers) {
		final List<Config> configs = new ArrayList<>();
		for (final CamMethod m : CamMethod.values()) configs.add(new Config(m.id(), m, defaultLayers));
		for (final int k : new int[] {1, 2, 4}) {
			if (k < allLayers.size()) {
				configs.add(new Config("zoomcam last " + k, CamMethod.ZOOMCAM, allLayers.subList(allLayers.size() - k,
					allLayers.size())));
			}
		}
		configs.add(new Config("zoomcam all " + allLayers.size(), CamMethod.ZOOMCAM, allLayers));
		return configs;
	}

	private static void add(final Evaluation evaluation, final SyntheticImage image, final ImageExplanation explained,
		final CamMethod method)
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
				truthClasses.add(map);
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
