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
 * truth, explained by {@code zoomcam explain} in a child process (time, peak resident memory), scored against
 * the truth next to the same synthetic images explained one by one (pseudo-label mIoU), and the tiles' rate
 * next to a plain batch explain of model-sized images.
 *
 * <p>Two explain runs per mosaic: with default settings (time and memory: the targets), and, for the
 * sizes up to {@code --miou-max}, with the mosaic's classes as targets (every class present anywhere in it,
 * as weakly supervised pseudo-labelling knows the image-level labels), scored the way the one-by-one images
 * are, each with its own present classes.</p>
 */
final class TileBenchmarkCommand {

	private final PrintStream out;
	private final PrintStream err;

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
		final Path model = Paths.get(a.get("model", DemoCommand.home().resolve(DemoCommand.MODEL).toString()));
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
		final StringBuilder csv = new StringBuilder("size,tiles,wall_s,engine_s,ms_per_mpx,ms_per_tile," +
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

				final Child defaults = explain(model, outDir.resolve("explain-" + size), mosaic.image(), List.of(),
					tileBatch, javaOpts, device);
				double mosaicMiou = Double.NaN;
				if (size <= miouMax) {
					final Child classes = explain(model, outDir.resolve("explain-" + size + "-classes"), mosaic.image(), List
						.of("--target", String.join(",", mosaic.classes())), tileBatch, javaOpts, device);
					if (classes.code() == 0) mosaicMiou = mosaicMiou(outDir.resolve("explain-" + size + "-classes"), mosaic,
						bundle.manifest().classes().size());
				}
				final int images = size <= miouMax ? mosaic.tiles() : Math.min(rateImages, mosaic.tiles());
				final double[] perImage = perImage(bundle, synth, seed, images, tileBatch, size <= miouMax);

				final double engineSeconds = defaults.engineMs() / 1000;
				final double msPerTile = engineSeconds * 1000 / grid.count();
				final double megapixels = (double) size * size / 1e6;
				final String row = String.format(Locale.ROOT, "| %dx%d | %d | %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.0f%% | " +
					"%s | %s | %s |", size, size, grid.count(), defaults.code() == 0 ? "ok" : "exit " + defaults.code(),
					defaults.seconds(), engineSeconds, defaults.seconds() * 1000 / megapixels, msPerTile, perImage[0], 100 *
						perImage[0] / msPerTile, defaults.peakKb() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", defaults
							.peakKb() / 1024.0), Double.isNaN(mosaicMiou) ? "-" : String.format(Locale.ROOT, "%.1f", 100 *
								mosaicMiou), Double.isNaN(perImage[1]) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * perImage[1]));
				rows.add(row);
				csv.append(String.format(Locale.ROOT, "%d,%d,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.0f,%.4f,%.4f%n", size, grid
					.count(), defaults.seconds(), engineSeconds, defaults.seconds() * 1000 / megapixels, msPerTile, perImage[0],
					perImage[0] / msPerTile, defaults.peakKb() / 1024.0, mosaicMiou, perImage[1]));
				err.println(row);
				if (defaults.code() != 0) err.println("the default explain of the " + size + " mosaic failed; see " + outDir
					.resolve("explain-" + size + ".log"));
			}
		}
		out.println("Tiled explanation of generated mosaics, model " + model.getFileName() + ", default settings " +
			"(tile auto, overlap " + Tiling.DEFAULT_OVERLAP + ", scale 1, top-1 target, pseudo-labels):");
		out.println("| mosaic | tiles | run | wall s | engine s | ms/MPx (wall) | ms/tile | batch explain ms/image | " +
			"tile throughput | peak RSS MB | mosaic mIoU % | one-by-one mIoU % |");
		out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
		rows.forEach(out::println);
		final Path csvFile = outDir.resolve("benchmark-tiles.csv");
		AtomicFiles.writeString(csvFile, csv.toString());
		out.println("CSV: " + csvFile);
		return 0;
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
	 * Runs {@code zoomcam explain} on the mosaic in a child JVM (default heap unless --java-opts), sampling
	 * its peak resident memory (VmHWM) from /proc while it runs.
	 */
	private Child explain(final Path model, final Path out, final Path image, final List<String> extra,
		final int tileBatch, final String javaOpts, final DeviceChoice device)
	{
		final List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		if (!javaOpts.isBlank()) command.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
		command.addAll(List.of("-Djava.awt.headless=true", "-Dai.djl.offline=true",
			"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
			Main.class.getName(), "explain", "--model", model.toString(), "--out", out.toString(), "--overwrite",
			"--device", device.name().toLowerCase(Locale.ROOT), "--tile-batch", String.valueOf(tileBatch)));
		command.addAll(extra);
		command.add(image.toString());
		final Path log = out.resolveSibling(out.getFileName() + ".log");
		err.println("  " + String.join(" ", command.subList(command.indexOf(Main.class.getName()) + 1, command.size())));
		final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putIfAbsent("ONEDNN_MAX_CPU_ISA", "AVX2");
		final long start = System.nanoTime();
		try {
			final Process process = builder.start();
			final AtomicLong peak = new AtomicLong(-1);
			final Path status = Paths.get("/proc", String.valueOf(process.pid()), "status");
			while (!process.waitFor(200, TimeUnit.MILLISECONDS)) peak.accumulateAndGet(highWaterKb(status), Math::max);
			final double seconds = (System.nanoTime() - start) / 1e9;
			final Path json = out.resolve(image.getFileName().toString().replaceFirst("\\.tif$", "")).resolve(
				"result.json");
			final JsonObject result = Files.isRegularFile(json) ? JsonParser.parseString(Files.readString(json))
				.getAsJsonObject() : null;
			err.println(String.format(Locale.ROOT, "  exit %d after %.0f s, peak RSS %.0f MB", process.exitValue(),
				seconds, peak.get() / 1024.0));
			final java.util.regex.Matcher ms = java.util.regex.Pattern.compile("\\((\\d+) ms/image\\)").matcher(Files
				.readString(log));
			return new Child(process.exitValue(), seconds, peak.get(), result, ms.find() ? Double.parseDouble(ms.group(1))
				: Double.NaN);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot run the explain child process (" + e.getMessage() + ")");
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
