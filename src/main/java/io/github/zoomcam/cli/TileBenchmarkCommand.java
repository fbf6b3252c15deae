package io.github.zoomcam.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.engine.TargetSpec;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.Annotator;
import io.github.zoomcam.labels.ClassMap;
import io.github.zoomcam.labels.ConfusionMatrix;
import io.github.zoomcam.pipeline.tiling.TileGrid;
import io.github.zoomcam.pipeline.tiling.Tiling;
import io.github.zoomcam.synth.SynthClass;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticImage;
import io.github.zoomcam.synth.SyntheticImageGenerator;
import io.github.zoomcam.synth.SyntheticImageFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * zoomcam benchmark-tiles: large generated mosaics, assembled from model-sized synthetic images with exact
 * truth, explained by {@code ./zoomcam explain} in a child process (time, peak resident memory) and scored
 * against the truth next to the same synthetic images explained one by one (pseudo-label mIoU).
 *
 * <p>Per mosaic: a top-1 run (time, memory and the tiles' rate next to a plain top-1 batch explain of
 * model-sized images), and, for sizes up to {@code --miou-max}, a run with the default target — the model's
 * own, every class with p >= 0.5 for the bundled multi-label model, which on a mosaic holding every class is
 * its image-level labels — scored as the one-by-one images are, each with its own present classes.</p>
 */
final class TileBenchmarkCommand {

	private final PrintStream out;
	private final PrintStream err;
	private Path model;

	TileBenchmarkCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/** A written mosaic: its file, its truth and which classes it holds. */
	private record Mosaic(int size, Path image, int[] truth, List<String> classes, int tiles) {}

	/**
	 * One explain child process: exit code, wall time, peak resident memory, its result.json, and the engine
	 * time of the image from its progress line (NaN when it printed none).
	 */
	private record Child(int code, double seconds, long peakKb, JsonObject result, double engineMs) {}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("benchmark-tiles", args, Set.of("sizes", "seed", "model", "out", "tile-batch",
			"miou-max", "rate-images", "java-opts", "device"), Set.of());
		final List<Integer> sizes = Arrays.stream(a.get("sizes", "4096,16384").split(",")).map(String::trim).map(
			Integer::parseInt).toList();
		final long seed = a.integer("seed", (int) BenchmarkCommand.DEFAULT_SEED, 0);
		model = Paths.get(a.get("model", DemoCommand.home().resolve(DemoCommand.MODEL).toString())).toAbsolutePath();
		final Path outDir = Paths.get(a.get("out", "benchmark-tiles-output")).toAbsolutePath();
		final int tileBatch = a.integer("tile-batch", 8, 1);
		final int miouMax = a.integer("miou-max", 4096, 0);
		final int rateImages = a.integer("rate-images", 1024, 8);
		final String javaOpts = a.get("java-opts", "");
		final DeviceChoice device = DeviceChoice.parse(a.get("device", "auto"));
		final SynthOptions synth = BenchmarkCommand.synthOptions(model);
		if (synth.channels() != 1) throw new ZoomCamException("benchmark-tiles builds grey mosaics; the model was " +
			"trained on " + synth.channels() + "-channel images");

		final List<String> rows = new ArrayList<>();
		final StringBuilder csv = new StringBuilder("size,tiles,target,exit,wall_s,engine_s,ms_per_mpx,ms_per_tile," +
			"batch_ms_per_image,throughput,peak_rss_mb,mosaic_miou,per_image_miou\n");
		try (ModelBundle bundle = ModelBundle.load(model, device, w -> err.println("warning: " + w))) {
			final int input = bundle.manifest().width();
			for (final int size : sizes) {
				if (size % synth.width() != 0) {
					throw new ZoomCamException("size " + size + " is not a multiple of the " + synth.width() + " px images");
				}
				final Mosaic mosaic = writeMosaic(size, seed, synth, outDir);
				final TileGrid grid = Tiling.DEFAULT.plan(size, size, input, bundle.manifest().height());
				err.println("mosaic " + size + "x" + size + ": " + mosaic.tiles() + " generated images, " + grid.describe() +
					", classes " + mosaic.classes());
				final boolean score = size <= miouMax;
				final int images = score ? mosaic.tiles() : Math.min(rateImages, mosaic.tiles());
				final double[] perImage = perImage(bundle, synth, seed, images, tileBatch, score);

				// Top-1: the time, memory and tile rate, next to a plain top-1 batch explain of model-sized images.
				final Child top1 = explain(outDir.resolve("explain-" + size + "-top1"), mosaic.image(), List.of("--target",
					"top1"), tileBatch, javaOpts, device);
				rows.add(row(csv, size, grid.count(), "top1", top1, perImage[0], Double.NaN, Double.NaN));
				if (score) {
					// The default target (the model's own: p >= 0.5 for a multi-label bundle) is, on a mosaic that holds
					// every class, its image-level labels: scored against the truth as the images one by one are.
					final Child defaults = explain(outDir.resolve("explain-" + size + "-default"), mosaic.image(), List.of(),
						tileBatch, javaOpts, device);
					final double miou = defaults.code() == 0 ? mosaicMiou(outDir.resolve("explain-" + size + "-default"), mosaic,
						bundle.manifest().classes().size()) : Double.NaN;
					rows.add(row(csv, size, grid.count(), "default (" + targets(defaults) + ")", defaults, Double.NaN, miou,
						perImage[1]));
				}
			}
		}
		out.println("Tiled explanation of generated mosaics, model " + model.getFileName() + ", tile auto, overlap " +
			Tiling.DEFAULT_OVERLAP + ", scale 1, tile batch " + tileBatch + ", every output written:");
		out.println("| mosaic | tiles | target | run | wall s | engine s | ms/MPx (wall) | ms/tile | batch explain " +
			"ms/image | tile throughput | peak RSS MB | mosaic mIoU % | one-by-one mIoU % |");
		out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
		rows.forEach(out::println);
		final Path csvFile = outDir.resolve("benchmark-tiles.csv");
		AtomicFiles.writeString(csvFile, csv.toString());
		out.println("CSV: " + csvFile);
		return 0;
	}

	/** The explained classes of a run, from its result.json. */
	private static String targets(final Child child) {
		if (child.result() == null) return "?";
		final List<String> names = new ArrayList<>();
		child.result().getAsJsonArray("targets").forEach(t -> names.add(t.getAsJsonObject().get("class")
			.getAsString()));
		return String.join(",", names);
	}

	/** One table row (and CSV line) of a run; NaN where a column does not apply. */
	private String row(final StringBuilder csv, final int size, final int tiles, final String target,
		final Child child, final double batchMsPerImage, final double mosaicMiou, final double perImageMiou)
	{
		final double megapixels = (double) size * size / 1e6;
		final double msPerTile = child.engineMs() / tiles;
		final String row = String.format(Locale.ROOT, "| %dx%d | %d | %s | %s | %.0f | %.0f | %.0f | %.1f | %s | %s | %s | " +
			"%s | %s |", size, size, tiles, target, child.code() == 0 ? "ok" : "exit " + child.code(), child.seconds(),
			child.engineMs() / 1000, child.seconds() * 1000 / megapixels, msPerTile, number(batchMsPerImage, "%.1f"),
			Double.isNaN(batchMsPerImage) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * batchMsPerImage / msPerTile),
			child.peakKb() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", child.peakKb() / 1024.0), number(100 *
				mosaicMiou, "%.1f"), number(100 * perImageMiou, "%.1f"));
		csv.append(String.format(Locale.ROOT, "%d,%d,%s,%d,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.0f,%.4f,%.4f%n", size, tiles,
			target.replace(',', ';'), child.code(), child.seconds(), child.engineMs() / 1000, child.seconds() * 1000 /
				megapixels, msPerTile, batchMsPerImage, batchMsPerImage / msPerTile, child.peakKb() / 1024.0, mosaicMiou,
			perImageMiou));
		err.println(row);
		return row;
	}

	private static String number(final double value, final String format) {
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
	}

	/**
	 * Assembles size/128 x size/128 generated images (indices row by row) into one image and its class truth;
	 * writes mosaic-SIZE.tif and truth/labels/mosaic-SIZE.tif (the layout zoomcam evaluate reads).
	 */
	private Mosaic writeMosaic(final int size, final long seed, final SynthOptions synth, final Path outDir) {
		final int tile = synth.width();
		final int perRow = size / tile;
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(synth);
		final ImageProcessor pixels = synth.bitDepth() == 8 ? new ByteProcessor(size, size) : new ShortProcessor(size,
			size);
		final byte[] truth = new byte[size * size];
		final boolean[] present = new boolean[SynthClass.values().length];
		for (int r = 0; r < perRow; r++) {
			for (int c = 0; c < perRow; c++) {
				final SyntheticImage image = generator.generate(seed, r * perRow + c);
				for (int y = 0; y < tile; y++) {
					final int row = (r * tile + y) * size + c * tile;
					for (int x = 0; x < tile; x++) {
						pixels.set(c * tile + x, r * tile + y, image.pixels()[0][y * tile + x]);
						truth[row + x] = (byte) image.classLabels()[y * tile + x];
					}
				}
				final boolean[] p = image.classesPresent();
				for (int k = 0; k < p.length; k++) present[k] |= p[k];
			}
			if ((r + 1) % Math.max(1, perRow / 8) == 0) err.println("  mosaic " + size + ": " + (r + 1) + "/" + perRow +
				" rows generated");
		}
		final Path image = outDir.resolve("mosaic-" + size + ".tif");
		final Path labels = outDir.resolve("truth").resolve("labels").resolve("mosaic-" + size + ".tif");
		try {
			Files.createDirectories(labels.getParent());
			Files.writeString(outDir.resolve("truth").resolve("classes.txt"), Arrays.stream(SynthClass.values()).map(
				SynthClass::label).collect(Collectors.joining("\n")) + "\n");
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot write to " + outDir + " (" + e.getMessage() + ")");
		}
		SyntheticImageFiles.writeTiff(new ImagePlus("mosaic-" + size, pixels), image);
		SyntheticImageFiles.writeTiff(new ImagePlus("mosaic-" + size + " labels", new ByteProcessor(size, size, truth)),
			labels);
		final List<String> classes = new ArrayList<>();
		for (final SynthClass k : SynthClass.values()) if (present[k.index()]) classes.add(k.label());
		final int[] truthLabels = new int[truth.length];
		for (int i = 0; i < truth.length; i++) truthLabels[i] = truth[i] & 0xff;
		return new Mosaic(size, image, size <= 8192 ? truthLabels : null, classes, perRow * perRow);
	}

	/**
	 * Runs {@code ./zoomcam explain} on the mosaic as a user would (the launcher's JVM options, plus
	 * JAVA_OPTS from --java-opts), sampling the child's peak resident memory (VmHWM) from /proc while it runs.
	 */
	private Child explain(final Path out, final Path image, final List<String> extra, final int tileBatch,
		final String javaOpts, final DeviceChoice device)
	{
		final Path launcher = DemoCommand.home().resolve("zoomcam").toAbsolutePath();
		final List<String> command = new ArrayList<>(List.of(launcher.toString(), "explain", "--model", model
			.toString(), "--out", out.toString(), "--overwrite", "--device", device.name().toLowerCase(Locale.ROOT),
			"--tile-batch", String.valueOf(tileBatch)));
		command.addAll(extra);
		command.add(image.toString());
		final Path log = out.resolveSibling(out.getFileName() + ".log");
		err.println("  " + String.join(" ", command.subList(1, command.size())));
		final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		if (!javaOpts.isBlank()) builder.environment().put("JAVA_OPTS", javaOpts);
		final long start = System.nanoTime();
		try {
			final Process process = builder.start();
			final AtomicLong peak = new AtomicLong(-1);
			// The launcher execs java: the child's pid is the JVM's.
			final Path status = Paths.get("/proc", String.valueOf(process.pid()), "status");
			while (!process.waitFor(200, TimeUnit.MILLISECONDS)) peak.accumulateAndGet(highWaterKb(status), Math::max);
			final double seconds = (System.nanoTime() - start) / 1e9;
			final Path json = out.resolve(image.getFileName().toString().replaceFirst("\\.tif$", "")).resolve(
				"result.json");
			final JsonObject result = Files.isRegularFile(json) ? JsonParser.parseString(Files.readString(json))
				.getAsJsonObject() : null;
			final java.util.regex.Matcher ms = java.util.regex.Pattern.compile("\\((\\d+) ms/image\\)").matcher(Files
				.readString(log));
			err.println(String.format(Locale.ROOT, "  exit %d after %.0f s, peak RSS %.0f MB", process.exitValue(),
				seconds, peak.get() / 1024.0));
			return new Child(process.exitValue(), seconds, peak.get(), result, ms.find() ? Double.parseDouble(ms.group(1))
				: Double.NaN);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot run " + launcher + " (" + e.getMessage() + ")");
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new ZoomCamException("interrupted");
		}
	}

	/** VmHWM (peak resident set, kB) of a live process, or -1 where /proc cannot tell. */
	private static long highWaterKb(final Path status) {
		try {
			for (final String line : Files.readAllLines(status)) {
				if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
			}
		}
		catch (final IOException | RuntimeException e) {
			// the process just ended, or this is not Linux
		}
		return -1;
	}

	/** mIoU of the mosaic's labels.tif against its truth (one confusion matrix over the mosaic). */
	private static double mosaicMiou(final Path out, final Mosaic mosaic, final int classes) {
		final ImagePlus labels = IJ.openImage(out.resolve("mosaic-" + mosaic.size()).resolve("labels.tif").toString());
		if (labels == null || mosaic.truth() == null) return Double.NaN;
		final short[] predicted = (short[]) labels.getProcessor().getPixels();
		final int[] p = new int[predicted.length];
		for (int i = 0; i < p.length; i++) p[i] = predicted[i] & 0xffff;
		final ConfusionMatrix matrix = new ConfusionMatrix(classes + 1);
		matrix.add(mosaic.truth(), p);
		return matrix.meanIoU();
	}

	/**
	 * The same generated images one by one (each at the model input size, so not tiled): the batch rate of a
	 * plain top-1 explain (ms/image, after a warm-up), and, when {@code score}, the pseudo-label mIoU with each
	 * image's own present classes as targets (one confusion matrix over all images). Returns {ms, mIoU}.
	 */
	private double[] perImage(final ModelBundle bundle, final SynthOptions synth, final long seed, final int n,
		final int batch, final boolean score)
	{
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(synth);
		final ExplainOptions top1 = ExplainOptions.builder().methods(CamMethod.ZOOMCAM).build();
		final List<String> names = bundle.manifest().classes();
		final ConfusionMatrix matrix = new ConfusionMatrix(names.size() + 1);
		final AnnotationOptions paper = AnnotationOptions.paper(CamMethod.ZOOMCAM.paperThreshold());
		bundle.explainer().explain(List.of(input(generator.generate(seed, 0))), top1);
		double millis = 0;
		for (int start = 0; start < n; start += batch) {
			final List<SyntheticImage> images = new ArrayList<>();
			for (int i = start; i < Math.min(n, start + batch); i++) images.add(generator.generate(seed, i));
			final List<ImageInput> inputs = images.stream().map(TileBenchmarkCommand::input).toList();
			final long t0 = System.nanoTime();
			bundle.explainer().explain(inputs, top1);
			millis += (System.nanoTime() - t0) / 1e6;
			if (!score) continue;
			for (int i = 0; i < images.size(); i++) {
				final SyntheticImage image = images.get(i);
				final List<String> present = new ArrayList<>();
				for (final SynthClass k : SynthClass.values()) if (image.classesPresent()[k.index()]) present.add(k.label());
				int[] labels = new int[image.width() * image.height()];
				if (!present.isEmpty()) {
					final ImageExplanation e = bundle.explainer().explain(List.of(inputs.get(i)), top1.toBuilder().targets(
						new TargetSpec.Classes(present)).build()).images().get(0);
					final List<ClassMap> maps = new ArrayList<>();
					for (final TargetExplanation t : e.targets()) {
						maps.add(new ClassMap(t.classIndex(), t.className(), t.probability(), t.map(CamMethod.ZOOMCAM)
							.toArray()));
					}
					labels = Annotator.annotate(image.name(), image.width(), image.height(), maps, paper).labelImage();
				}
				matrix.add(image.classLabels(), labels);
			}
			if ((start / batch) % 64 == 63) err.println("  one by one: " + Math.min(n, start + batch) + "/" + n);
		}
		return new double[] { millis / n, score ? matrix.meanIoU() : Double.NaN };
	}

	private static ImageInput input(final SyntheticImage image) {
		final float[] plane = new float[image.pixels()[0].length];
		for (int i = 0; i < plane.length; i++) plane[i] = image.pixels()[0][i];
		return new ImageInput(image.name(), image.width(), image.height(), image.bitDepth(), new float[][] { plane });
	}
}
