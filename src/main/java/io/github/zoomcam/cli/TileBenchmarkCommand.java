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
import io.github.zoomcam.labels.ConfusionMatrix;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.pipeline.PseudoLabelOutputs;
import io.github.zoomcam.pipeline.tiling.RawMapStore;
import io.github.zoomcam.pipeline.tiling.TileGrid;
import io.github.zoomcam.pipeline.tiling.TileSource;
import io.github.zoomcam.pipeline.tiling.TiledExplainer;
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
 * truth, explained by {@code ./zoomcam explain} in a child process (wall and CPU time, peak resident memory)
 * and scored against the truth next to the same synthetic images explained one by one (pseudo-label mIoU).
 *
 * <p>Per mosaic: a top-1 run (time and memory of one class), a run with every setting at its default (the
 * model's own target: every class with p >= 0.5 for the bundled multi-label model, which on a mosaic holding
 * every class is all of them), scored for sizes up to {@code --miou-max}, against the same generated images
 * explained one by one with the same defaults. Once, in this process, on the first mosaic scored for mIoU:
 * the tile throughput, its top-1 tiles through {@link TiledExplainer} against a plain batch explain of as many
 * model-sized images, alternated twice, in CPU and wall time.</p>
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
	 * One explain child process: exit code, wall time, CPU time (all threads), peak resident memory, its
	 * result.json, the engine time of the image from its progress line (NaN when it printed none), and why the
	 * image failed (null when it did not).
	 */
	private record Child(int code, double seconds, double cpuSeconds, long peakKb, JsonObject result, double engineMs,
		String failure) {}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("benchmark-tiles", args, Set.of("sizes", "seed", "model", "out", "tile-batch",
			"miou-max", "rate-images", "java-opts", "device"), Set.of("mosaics-only"));
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

		if (a.flag("mosaics-only")) {
			// Writes (or keeps) the mosaics alone: a later run with the same sizes and seed reuses them.
			for (final int size : sizes) {
				if (size % synth.width() != 0) {
					throw new ZoomCamException("size " + size + " is not a multiple of the " + synth.width() + " px images");
				}
				out.println(writeMosaic(size, seed, synth, outDir).image());
			}
			return 0;
		}
		final List<String> rows = new ArrayList<>();
		final List<String> notes = new ArrayList<>();
		final StringBuilder csv = new StringBuilder("size,tiles,target,exit,wall_s,cpu_s,engine_s,ms_per_mpx," +
			"cpu_ms_per_mpx,ms_per_tile,batch_ms_per_image,throughput,peak_rss_mb,mosaic_miou,per_image_miou\n");
		String throughput = null;
		final ExplainSettings defaults = ExplainSettings.parse(synthManifest(), java.util.Map.of());
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
				if (throughput == null && score) throughput = throughput(bundle, synth, seed, mosaic, grid, tileBatch);
				final double batchMs = batchRate(bundle, synth, seed, Math.min(rateImages, mosaic.tiles()), tileBatch);

				// Top-1: the time and memory of one class, and the tile rate next to a plain top-1 batch explain.
				final Child top1 = explain(outDir.resolve("explain-" + size + "-top1"), mosaic.image(), List.of("--target",
					"top1"), tileBatch, javaOpts, device);
				rows.add(row(csv, size, grid.count(), "top1", top1, batchMs, Double.NaN, Double.NaN));
				if (top1.failure() != null) notes.add(size + "x" + size + " top1: " + top1.failure());
				// Every setting at its default (the model's own target: p >= 0.5 for a multi-label bundle, on a mosaic
				// that holds every class all of them), scored against the truth next to the same generated images
				// explained one by one with the same defaults.
				final Child all = explain(outDir.resolve("explain-" + size + "-default"), mosaic.image(), List.of(),
					tileBatch, javaOpts, device);
				final double miou = score && all.code() == 0 ? mosaicMiou(outDir.resolve("explain-" + size + "-default"),
					mosaic, bundle.manifest().classes().size()) : Double.NaN;
				final double perImageMiou = score ? perImageMiou(bundle, defaults, synth, seed, mosaic.tiles(), tileBatch)
					: Double.NaN;
				rows.add(row(csv, size, grid.count(), "default (" + targets(all) + ")", all, Double.NaN, miou,
					perImageMiou));
				if (all.failure() != null) notes.add(size + "x" + size + " default: " + all.failure());
			}
		}
		out.println("Tiled explanation of generated mosaics, model " + model.getFileName() + ", tile auto, overlap " +
			Tiling.DEFAULT_OVERLAP + ", scale 1, tile batch " + tileBatch + ", every output written:");
		out.println("| mosaic | tiles | target | run | wall s | CPU s | engine s | ms/MPx (wall) | CPU ms/MPx | ms/tile " +
			"| batch explain ms/image | tile throughput | peak RSS MB | mosaic mIoU % | one-by-one mIoU % |");
		out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
		rows.forEach(out::println);
		notes.forEach(n -> out.println("- " + n));
		if (throughput != null) out.println(throughput);
		final Path csvFile = outDir.resolve("benchmark-tiles.csv");
		AtomicFiles.writeString(csvFile, csv.toString());
		out.println("CSV: " + csvFile);
		return 0;
	}

	/** The model's manifest without loading it twice (the settings parser needs only the manifest). */
	private io.github.zoomcam.engine.BundleManifest synthManifest() {
		return ModelBundle.readManifest(model);
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
		final String run = child.code() == 0 ? "ok" : child.failure() != null && child.failure().contains("memory")
			? "refused (memory)" : "exit " + child.code();
		final String row = String.format(Locale.ROOT, "| %dx%d | %d | %s | %s | %.0f | %.0f | %s | %.0f | %.0f | %s | %s " +
			"| %s | %s | %s | %s |", size, size, tiles, target, run, child.seconds(), child.cpuSeconds(), number(child
				.engineMs() / 1000, "%.0f"), child.seconds() * 1000 / megapixels, child.cpuSeconds() * 1000 / megapixels,
			number(msPerTile, "%.1f"), number(batchMsPerImage, "%.1f"), Double.isNaN(batchMsPerImage) || Double.isNaN(
				msPerTile) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * batchMsPerImage / msPerTile), child
					.peakKb() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", child.peakKb() / 1024.0), number(100 *
						mosaicMiou, "%.1f"), number(100 * perImageMiou, "%.1f"));
		csv.append(String.format(Locale.ROOT, "%d,%d,%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.0f,%.4f,%.4f%n",
			size, tiles, target.replace(',', ';'), child.code(), child.seconds(), child.cpuSeconds(), child.engineMs() /
				1000, child.seconds() * 1000 / megapixels, child.cpuSeconds() * 1000 / megapixels, msPerTile,
			batchMsPerImage, batchMsPerImage / msPerTile, child.peakKb() / 1024.0, mosaicMiou, perImageMiou));
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
		final Mosaic kept = keptMosaic(size, seed, synth, outDir);
		if (kept != null) {
			err.println("  mosaic " + size + ": kept from an earlier run (same seed and images)");
			return kept;
		}
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
		AtomicFiles.writeString(stamp(size, outDir), stampText(size, seed, synth) + String.join(",", classes) + "\n");
		return new Mosaic(size, image, size <= 8192 ? truthLabels : null, classes, perRow * perRow);
	}

	/** Records what a written mosaic was made from, so that a later run with the same inputs reuses it. */
	private static Path stamp(final int size, final Path outDir) {
		return outDir.resolve("mosaic-" + size + ".txt");
	}

	private static String stampText(final int size, final long seed, final SynthOptions synth) {
		return "size " + size + ", seed " + seed + ", images " + synth + "\nclasses ";
	}

	/** The mosaic of an earlier run with the same size, seed and images (its files and stamp intact), or null. */
	private static Mosaic keptMosaic(final int size, final long seed, final SynthOptions synth, final Path outDir) {
		final Path image = outDir.resolve("mosaic-" + size + ".tif");
		final Path labels = outDir.resolve("truth").resolve("labels").resolve("mosaic-" + size + ".tif");
		try {
			if (!Files.isRegularFile(image) || !Files.isRegularFile(labels) || !Files.isRegularFile(stamp(size, outDir))) {
				return null;
			}
			final String text = Files.readString(stamp(size, outDir));
			final String head = stampText(size, seed, synth);
			if (!text.startsWith(head)) return null;
			final List<String> classes = Arrays.stream(text.substring(head.length()).strip().split(",")).filter(c -> !c
				.isEmpty()).toList();
			int[] truth = null;
			if (size <= 8192) {
				final ImagePlus t = IJ.openImage(labels.toString());
				if (t == null || t.getWidth() != size || t.getHeight() != size) return null;
				final byte[] b = (byte[]) t.getProcessor().getPixels();
				truth = new int[b.length];
				for (int i = 0; i < b.length; i++) truth[i] = b[i] & 0xff;
			}
			final int perRow = size / synth.width();
			return new Mosaic(size, image, truth, classes, perRow * perRow);
		}
		catch (final IOException | RuntimeException e) {
			return null;
		}
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
			// The launcher execs java: the child's pid is the JVM's. Its CPU time is read while it runs (the last
			// reading, at most 200 ms before it ends).
			final Path status = Paths.get("/proc", String.valueOf(process.pid()), "status");
			final Path stat = Paths.get("/proc", String.valueOf(process.pid()), "stat");
			double cpu = Double.NaN;
			while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
				peak.accumulateAndGet(highWaterKb(status), Math::max);
				final double now = cpuSeconds(stat);
				if (!Double.isNaN(now)) cpu = now;
			}
			final double seconds = (System.nanoTime() - start) / 1e9;
			final Path json = out.resolve(image.getFileName().toString().replaceFirst("\\.tif$", "")).resolve(
				"result.json");
			final JsonObject result = Files.isRegularFile(json) ? JsonParser.parseString(Files.readString(json))
				.getAsJsonObject() : null;
			final String text = Files.readString(log);
			final java.util.regex.Matcher ms = java.util.regex.Pattern.compile("\\((\\d+) ms/image\\)").matcher(text);
			final java.util.regex.Matcher failed = java.util.regex.Pattern.compile(": failed: (.*)").matcher(text);
			err.println(String.format(Locale.ROOT, "  exit %d after %.0f s (%.0f s CPU), peak RSS %.0f MB",
				process.exitValue(), seconds, cpu, peak.get() / 1024.0));
			return new Child(process.exitValue(), seconds, cpu, peak.get(), result, ms.find() ? Double.parseDouble(ms
				.group(1)) : Double.NaN, failed.find() ? failed.group(1).strip() : null);
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

	/** User plus system CPU seconds of a live process (all threads), or NaN where /proc cannot tell. */
	private static double cpuSeconds(final Path stat) {
		try {
			final String line = Files.readString(stat);
			// pid (comm) state ... : the fields after the command's closing parenthesis, utime and stime 12th and 13th
			final String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
		}
		catch (final IOException | RuntimeException e) {
			return Double.NaN;
		}
	}

	/** Linux's USER_HZ, the unit of /proc/PID/stat times (100 on every mainstream architecture). */
	private static final int CLOCK_TICKS = 100;

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
	 * The plain batch rate of a top-1 explain of model-sized generated images (not tiled), in batches of
	 * {@code batch} as the tiles go: wall ms per image, after a warm-up.
	 */
	private double batchRate(final ModelBundle bundle, final SynthOptions synth, final long seed, final int n,
		final int batch)
	{
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(synth);
		final ExplainOptions top1 = ExplainOptions.builder().methods(CamMethod.ZOOMCAM).build();
		bundle.explainer().explain(List.of(input(generator.generate(seed, 0))), top1);
		double millis = 0;
		for (int start = 0; start < n; start += batch) {
			final List<ImageInput> inputs = new ArrayList<>();
			for (int i = start; i < Math.min(n, start + batch); i++) inputs.add(input(generator.generate(seed, i)));
			final long t0 = System.nanoTime();
			bundle.explainer().explain(inputs, top1);
			millis += (System.nanoTime() - t0) / 1e6;
		}
		err.println(String.format(Locale.ROOT, "  batch explain, top1: %.1f ms/image over %d images", millis / n, n));
		return millis / n;
	}

	/**
	 * The same generated images one by one (each at the model input size, so not tiled) with every setting at
	 * the command line's default (the model's own target per image; the same threshold and component rule),
	 * pseudo-labelled as a result folder labels them; one confusion matrix over all images.
	 */
	private double perImageMiou(final ModelBundle bundle, final ExplainSettings settings, final SynthOptions synth,
		final long seed, final int n, final int batch)
	{
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(synth);
		final ConfusionMatrix matrix = new ConfusionMatrix(bundle.manifest().classes().size() + 1);
		for (int start = 0; start < n; start += batch) {
			final List<SyntheticImage> images = new ArrayList<>();
			for (int i = start; i < Math.min(n, start + batch); i++) images.add(generator.generate(seed, i));
			final List<ImageInput> inputs = images.stream().map(TileBenchmarkCommand::input).toList();
			final List<ImageExplanation> explained = bundle.explainer().explain(inputs, settings.options()).images();
			for (int i = 0; i < images.size(); i++) {
				final SyntheticImage image = images.get(i);
				final ImageExplanation e = explained.get(i);
				// The same guide image as a result folder's: the refinement takes its outlines from it.
				final int[] labels = e.targets().isEmpty() ? new int[image.width() * image.height()] : PseudoLabelOutputs
					.annotate(e, settings.mainMethod(), settings.annotation(), PseudoLabelOutputs.guide(inputs.get(i),
						false)).labelImage();
				matrix.add(image.classLabels(), labels);
			}
			if ((start / batch) % 64 == 63) err.println("  one by one: " + Math.min(n, start + batch) + "/" + n);
		}
		return matrix.meanIoU();
	}

	/**
	 * Tile throughput in this process: the mosaic's tiles explained top-1 through {@link TiledExplainer} (its
	 * class-presence pass, the explain pass and the stitching; raw maps in memory or on disk as the command
	 * keeps them) against a plain top-1 batch explain of as many model-sized images, in the same batches,
	 * alternated twice; the faster of each pair, by wall and by this process's CPU time.
	 */
	private String throughput(final ModelBundle bundle, final SynthOptions synth, final long seed, final Mosaic mosaic,
		final TileGrid grid, final int batch)
	{
		final ImagePlus image = IJ.openImage(mosaic.image().toString());
		final TileSource source = TileSource.of(image, mosaic.image().getFileName().toString(), 1, 1);
		final ExplainOptions top1 = ExplainOptions.builder().methods(CamMethod.ZOOMCAM).build();
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(synth);
		final int n = grid.count();
		final List<List<ImageInput>> batches = new ArrayList<>();
		for (int start = 0; start < n; start += batch) {
			final List<ImageInput> inputs = new ArrayList<>();
			for (int i = start; i < Math.min(n, start + batch); i++) inputs.add(input(generator.generate(seed, i)));
			batches.add(inputs);
		}
		final TiledExplainer tiled = new TiledExplainer(bundle.explainer(), batch, mosaic.image().getParent(),
			RawMapStore.DEFAULT_MEMORY_LIMIT);
		bundle.explainer().explain(batches.get(0), top1);
		final double[] best = { Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE };
		for (int round = 0; round < 2; round++) {
			long wall = System.nanoTime();
			long cpu = processCpuNanos();
			for (final List<ImageInput> inputs : batches) bundle.explainer().explain(inputs, top1);
			best[0] = Math.min(best[0], (System.nanoTime() - wall) / 1e6 / n);
			best[1] = Math.min(best[1], (processCpuNanos() - cpu) / 1e6 / n);
			System.gc();
			wall = System.nanoTime();
			cpu = processCpuNanos();
			tiled.explain(source, grid, top1, false, k -> {}, io.github.zoomcam.engine.ExplainMonitor.NONE);
			best[2] = Math.min(best[2], (System.nanoTime() - wall) / 1e6 / n);
			best[3] = Math.min(best[3], (processCpuNanos() - cpu) / 1e6 / n);
			System.gc();
			err.println(String.format(Locale.ROOT, "  throughput round %d: batch %.1f ms/image, tiles %.1f ms/tile " +
				"(best so far, wall)", round + 1, best[0], best[2]));
		}
		return String.format(Locale.ROOT, "Tile throughput (this process, %s mosaic, %d tiles against %d model-sized " +
			"images, top1, batches of %d, best of 2): batch explain %.1f ms/image wall, %.1f ms CPU; tiles %.1f " +
			"ms/tile wall, %.1f ms CPU; throughput %.0f%% (wall), %.0f%% (CPU)", mosaic.size() + "x" + mosaic.size(),
			n, n, batch, best[0], best[1], best[2], best[3], 100 * best[0] / best[2], 100 * best[1] / best[3]);
	}

	/** CPU time of this process, all threads (native ones too), in nanoseconds. */
	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private static ImageInput input(final SyntheticImage image) {
		final float[] plane = new float[image.pixels()[0].length];
		for (int i = 0; i < plane.length; i++) plane[i] = image.pixels()[0][i];
		return new ImageInput(image.name(), image.width(), image.height(), image.bitDepth(), new float[][] { plane });
	}
}
