package io.github.zoomcam.cli;

import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.Timings;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * zoomcam speed: the engine benchmark. For each batch size it times, alternating in one process, the
 * network's own forward + backward passes and the full explain (passes + maps + host copy), and reports
 * medians per image plus the process's peak resident memory. Never a unit test: machines are noisy.
 */
final class SpeedCommand {

	private final PrintStream out;
	private final PrintStream err;

	SpeedCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("speed", args, Set.of("model", "batch", "repeats", "warmup", "layers",
			"device", "methods", "scorecam-channels", "scorecam-batch"), Set.of());
		final List<CamMethod> methods = a.get("methods", null) == null ? null : CamMethod.parseList(a.get("methods",
			null));
		final int scorecamChannels = a.integer("scorecam-channels", ExplainOptions.ScoreCamSettings.DEFAULT_CHANNELS, 0);
		final int scorecamBatch = a.integer("scorecam-batch", ExplainOptions.ScoreCamSettings.DEFAULT_BATCH, 1);
		final int repeats = a.integer("repeats", 10, 1);
		final int warmup = a.integer("warmup", 3, 0);
		final int[] batches;
		try {
			batches = Arrays.stream(a.get("batch", "1").split(",")).map(String::trim).mapToInt(Integer::parseInt)
				.toArray();
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException("--batch takes comma-separated whole numbers, e.g. 1,8");
		}
		try (ModelBundle bundle = ModelBundle.load(Paths.get(a.require("model", "give the bundle folder or .zip")),
			DeviceChoice.parse(a.get("device", "cpu")), w -> err.println("warning: " + w)))
		{
			final List<String> layers = ExplainOptions.parseLayers(a.get("layers", "all"), bundle.manifest());
			final ExplainOptions options = ExplainOptions.builder().layers(layers).scoreCam(
				new ExplainOptions.ScoreCamSettings(scorecamChannels, scorecamBatch)).build();
			out.println(String.format(Locale.ROOT, "model %s, %d layers, input %dx%d, %s", bundle.manifest().name(),
				layers.size(), bundle.manifest().height(), bundle.manifest().width(), bundle.runtime()));
			if (methods != null) return perMethod(bundle, options, methods, batches, repeats, warmup);
			out.println("batch  network_ms/img  explain_ms/img  overhead  peak_rss_MB  (explain phases ms/img: " +
				"preprocess forward backward maps copy)");
			for (final int batch : batches) {
				final List<ImageInput> images = randomImages(bundle, batch);
				for (int i = 0; i < warmup; i++) {
					bundle.explainer().networkPassesOnly(images, options);
					bundle.explainer().explain(images, options);
				}
				final double[] network = new double[repeats];
				final double[] full = new double[repeats];
				final double[][] phases = new double[5][repeats];
				for (int i = 0; i < repeats; i++) {
					network[i] = time(() -> bundle.explainer().networkPassesOnly(images, options)) / batch;
					final Timings[] last = new Timings[1];
					full[i] = time(() -> last[0] = bundle.explainer().explain(images, options).timings()) / batch;
					final double[] p = {last[0].preprocessMs(), last[0].forwardMs(), last[0].backwardMs(), last[0]
						.camMs(), last[0].copyMs()};
					for (int k = 0; k < 5; k++) phases[k][i] = p[k] / batch;
				}
				final double n = median(network);
				final double f = median(full);
				out.println(String.format(Locale.ROOT, "%5d  %14.1f  %14.1f  %7.1f%%  %11.0f  (%.1f %.1f %.1f %.1f %.1f)",
					batch, n, f, 100 * (f - n) / n, peakRssMb(), median(phases[0]), median(phases[1]), median(phases[2]),
					median(phases[3]), median(phases[4])));
			}
			return 0;
		}
	}

	/**
	 * One line per method and batch size: the median ms/image of an explain call that computes that method
	 * alone (top-1 target, maps at the model input size), and the passes it ran; then, for several methods,
	 * one line "together" for all of them in one call. network_ms/img: the forward and backward passes alone
	 * (for the Zoom-CAM layers), for comparison.
	 */
	private int perMethod(final ModelBundle bundle, final ExplainOptions options, final List<CamMethod> methods,
		final int[] batches, final int repeats, final int warmup)
	{
		out.println(String.format(Locale.ROOT, "Score-CAM: %s channels of %s, %d masked images per forward pass",
			options.scoreCam().channels() == 0 ? "all" : "top " + options.scoreCam().channels(), bundle.manifest()
				.gradcamLayer(), options.scoreCam().batch()));
		out.println("batch  method     explain_ms/img  network_ms/img  passes/batch (forward backward masked)  " +
			"peak_rss_MB");
		for (final int batch : batches) {
			final List<ImageInput> images = randomImages(bundle, batch);
			for (int i = 0; i < warmup; i++) bundle.explainer().networkPassesOnly(images, options);
			final double[] network = new double[repeats];
			for (int i = 0; i < repeats; i++) {
				network[i] = time(() -> bundle.explainer().networkPassesOnly(images, options)) / batch;
			}
			final double n = median(network);
			final List<List<CamMethod>> runs = new ArrayList<>();
			for (final CamMethod method : methods) runs.add(List.of(method));
			// All of them in one call: the gradient methods share their passes.
			if (methods.size() > 1) runs.add(methods);
			for (final List<CamMethod> run : runs) {
				final ExplainOptions one = options.toBuilder().methods(run).build();
				final String name = run.size() == 1 ? run.get(0).id() : "together";
				for (int i = 0; i < warmup; i++) bundle.explainer().explain(images, one);
				final double[] full = new double[repeats];
				final Timings[] last = new Timings[1];
				for (int i = 0; i < repeats; i++) {
					full[i] = time(() -> last[0] = bundle.explainer().explain(images, one).timings()) / batch;
				}
				final Timings t = last[0];
				out.println(String.format(Locale.ROOT, "%5d  %-9s  %14.1f  %14.1f  %d %d %d  %11.0f", batch, name,
					median(full), n, t.forwardPasses() + t.maskedForwardPasses(), t.backwardPasses(), t.maskedImages(),
					peakRssMb()));
			}
		}
		return 0;
	}

	private static double time(final Supplier<Timings> run) {
		final long t0 = System.nanoTime();
		run.get();
		return (System.nanoTime() - t0) / 1e6;
	}

	private static List<ImageInput> randomImages(final ModelBundle bundle, final int n) {
		final Random random = new Random(42);
		final int c = bundle.manifest().channels();
		final int h = bundle.manifest().height();
		final int w = bundle.manifest().width();
		final List<ImageInput> images = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			final float[][] planes = new float[c][h * w];
			for (final float[] p : planes) for (int k = 0; k < p.length; k++) p[k] = random.nextInt(256);
			images.add(new ImageInput("random-" + i, w, h, 8, planes));
		}
		return images;
	}

	private static double median(final double[] values) {
		final double[] v = values.clone();
		Arrays.sort(v);
		return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	}

	/** VmHWM of this process (Linux); NaN elsewhere. */
	static double peakRssMb() {
		try {
			for (final String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
				}
			}
		}
		catch (final IOException | NumberFormatException e) {
			// not Linux: report NaN
		}
		return Double.NaN;
	}
}
