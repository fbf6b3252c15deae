package io.github.zoomcam.cli;

import ij.io.FileInfo;
import ij.io.TiffDecoder;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.pipeline.BatchRunner;
import io.github.zoomcam.pipeline.BatchRunner.Outcome;
import io.github.zoomcam.pipeline.BatchRunner.Status;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.pipeline.ResultStore;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticDataset;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * zoomcam soak: a hostile batch, end to end. Generates N synthetic images, cuts some of them short (half
 * inside the TIFF header, half inside the pixel data), runs them all through the batch runner, and checks
 * that every good image was explained and every bad one skipped with its reason. Resident memory (and the
 * Java heap's committed size, part of it) is sampled before the first image, after the first batch, and at
 * 10, 25, 50, 75 and 100% of the images: after warm-up it should stay flat. Exit code 0 when every image
 * had the expected outcome, 1 otherwise.
 */
final class SoakCommand {

	/** How a bad file was cut. */
	enum Damage { HEADER, PIXELS }

	private final PrintStream out;
	private final PrintStream err;

	SoakCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("soak", args, Set.of("n", "bad", "seed", "model", "out", "batch", "device",
			"size"), Set.of());
		final int n = a.integer("n", 1000, 2);
		final int bad = a.integer("bad", Math.max(2, n / 20), 0);
		if (bad > n) throw new ZoomCamException("--bad " + bad + " is more than --n " + n);
		final int seed = a.integer("seed", 13, 0);
		final int batch = a.integer("batch", 8, 1);
		final int size = a.integer("size", SynthOptions.DEFAULT_SIZE, SynthOptions.MIN_SIZE);
		final Path model = Paths.get(a.get("model", "plugins/Zoom-CAM/models/synthetic-cells"));
		final Path root = Paths.get(a.get("out", "soak-output")).toAbsolutePath().normalize();
		final Path data = root.resolve("data");
		final Path results = root.resolve("results");

		// The results folder's lock first: a second soak run into the same folder is refused before it touches
		// the data or the results of this one.
		try (ResultStore store = ResultStore.exclusive(results)) {
			clearResults(results);
			final long generation = System.nanoTime();
			SyntheticDataset.write(data, n, seed, SynthOptions.defaults().withSize(size, size));
			final List<Path> images = new ArrayList<>();
			for (int i = 0; i < n; i++) images.add(data.resolve(SyntheticDataset.IMAGES_DIR).resolve(SyntheticDataset
				.fileName(i)));
			final Map<Path, Damage> damaged = damage(images, bad);
			err.println("soak: " + n + " images written in " + seconds(generation) + " s, " + damaged.size() +
				" of them cut short");
			return soak(a, model, store, images, damaged, batch);
		}
	}

	private int soak(final CliArgs a, final Path model, final ResultStore store, final List<Path> images,
		final Map<Path, Damage> damaged, final int batch)
	{
		final int n = images.size();
		try (ModelBundle bundle = ModelBundle.load(model, DeviceChoice.parse(a.get("device", "auto")), w -> {})) {
			final ExplainSettings settings = ExplainSettings.parse(bundle.manifest(), Map.of());
			final BatchRunner runner = new BatchRunner(bundle.explainer(), settings, store, true, batch);
			final Map<String, long[]> memory = new LinkedHashMap<>();
			memory.put("start", memory());
			final List<Outcome> outcomes = new ArrayList<>();
			final long start = System.nanoTime();
			final long cpuStart = cpuNanos();
			runner.run(images, new BatchRunner.Listener() {

				@Override
				public void finished(final Outcome o, final int total) {
					outcomes.add(o);
					final int done = outcomes.size();
					if (done == Math.min(batch, total)) memory.put("first batch", memory());
					for (final int percent : new int[] { 10, 25, 50, 75 }) {
						if (done == total * percent / 100) memory.put(percent + "%", memory());
					}
					if (done % Math.max(1, total / 10) == 0) err.println("[" + done + "/" + total + "]");
				}
			});
			final double totalSeconds = (System.nanoTime() - start) / 1e9;
			final double cpuSeconds = (cpuNanos() - cpuStart) / 1e9;
			memory.put("end", memory());
			return report(n, damaged, outcomes, memory, totalSeconds, cpuSeconds, bundle, batch);
		}
	}

	private int report(final int n, final Map<Path, Damage> damaged, final List<Outcome> outcomes,
		final Map<String, long[]> memory, final double seconds, final double cpuSeconds, final ModelBundle bundle,
		final int batch)
	{
		int goodExplained = 0;
		int badSkipped = 0;
		final List<String> wrong = new ArrayList<>();
		for (final Outcome o : outcomes) {
			final Damage damage = damaged.get(o.source());
			if (damage == null) {
				if (o.status() == Status.EXPLAINED) goodExplained++;
				else wrong.add(o.source().getFileName() + " (good) was " + o.status() + ": " + o.message());
			}
			else if (o.status() == Status.FAILED && o.message().contains("truncated")) {
				badSkipped++;
				out.println("  skipped " + o.source().getFileName() + " (cut in the " + damage.name().toLowerCase(
					Locale.ROOT) + "): " + o.message());
			}
			else {
				wrong.add(o.source().getFileName() + " (cut in the " + damage + ") was " + o.status() + ": " + o
					.message());
			}
		}
		final int good = n - damaged.size();
		final long header = damaged.values().stream().filter(d -> d == Damage.HEADER).count();
		out.println("soak: " + n + " images (" + good + " good, " + header + " cut in the TIFF header, " + (damaged
			.size() - header) + " cut in the pixel data), model " + bundle.manifest().name() + ", batch " + batch +
			", " + bundle.runtime());
		out.println("good images explained: " + goodExplained + "/" + good + "; bad images skipped with their " +
			"reason: " + badSkipped + "/" + damaged.size());
		final StringBuilder rss = new StringBuilder("resident memory (MB):");
		final StringBuilder heap = new StringBuilder("Java heap committed (MB):");
		memory.forEach((when, m) -> {
			rss.append(' ').append(when).append(' ').append(m[0] < 0 ? "n/a" : String.valueOf(Math.round(m[0] /
				1024.0))).append(',');
			heap.append(' ').append(when).append(' ').append(Math.round(m[1] / 1048576.0)).append(',');
		});
		out.println(rss.substring(0, rss.length() - 1));
		out.println(heap.substring(0, heap.length() - 1));
		out.println(String.format(Locale.ROOT, "time: %.1f s for %d images (%.1f ms/image), %.1f s of CPU", seconds,
			n, 1000 * seconds / n, cpuSeconds));
		wrong.forEach(w -> out.println("  UNEXPECTED: " + w));
		return wrong.isEmpty() && outcomes.size() == n ? 0 : 1;
	}

	/**
	 * Cuts {@code bad} of the files, spread evenly over the list, alternately inside the header (the file
	 * ends before its first image directory) and inside the pixel data (half of the pixels are missing).
	 */
	static Map<Path, Damage> damage(final List<Path> images, final int bad) {
		final Map<Path, Damage> damaged = new LinkedHashMap<>();
		for (int k = 0; k < bad; k++) {
			final Path file = images.get((int) ((k + 0.5) * images.size() / bad));
			final Damage kind = k % 2 == 0 ? Damage.HEADER : Damage.PIXELS;
			truncate(file, kind == Damage.HEADER ? 40 : pixelMiddle(file));
			damaged.put(file, kind);
		}
		return damaged;
	}

	/** The offset half-way through the first image's pixel data, from ImageJ's own TIFF decoder. */
	private static long pixelMiddle(final Path file) {
		try {
			final FileInfo[] info = new TiffDecoder(file.getParent().toString() + "/", file.getFileName().toString())
				.getTiffInfo();
			final FileInfo first = info[0];
			final long bytes = (long) first.width * first.height * first.getBytesPerPixel();
			return first.getOffset() + bytes / 2;
		}
		catch (final IOException | RuntimeException e) {
			throw new ZoomCamException("cannot read the TIFF layout of " + file + " (" + e.getMessage() + ")");
		}
	}

	private static void truncate(final Path file, final long length) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.truncate(length);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot cut " + file + " (" + e.getMessage() + ")");
		}
	}

	/** Results of an earlier soak run (every image is redone); the lock file stays. */
	private static void clearResults(final Path results) {
		try (Stream<Path> walk = Files.walk(results)) {
			for (final Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
				if (!p.equals(results) && !p.getFileName().toString().equals(ResultStore.LOCK_FILE)) Files.delete(p);
			}
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot clear " + results + " (" + e.getMessage() + ")");
		}
	}

	/** Resident memory in kB (-1 where unknown) and the Java heap's committed bytes. */
	private static long[] memory() {
		return new long[] { residentKb(), Runtime.getRuntime().totalMemory() };
	}

	/** CPU time of this process (all threads, native ones included), or 0 where unknown. */
	private static long cpuNanos() {
		final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
			.getOperatingSystemMXBean();
		return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
	}

	/** VmRSS of this process in kB (Linux), or -1. */
	static long residentKb() {
		try (Stream<String> lines = Files.lines(Paths.get("/proc/self/status"))) {
			return lines.filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
				.findFirst().orElse(-1L);
		}
		catch (final IOException | RuntimeException e) {
			return -1;
		}
	}

	private static String seconds(final long since) {
		return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - since) / 1e9);
	}
}
