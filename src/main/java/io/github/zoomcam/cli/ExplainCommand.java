package io.github.zoomcam.cli;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.pipeline.BatchRunner;
import io.github.zoomcam.pipeline.BatchRunner.Outcome;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.pipeline.ResultStore;
import io.github.zoomcam.pipeline.tiling.TiledExplainer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * zoomcam explain: a result folder per image (see {@link io.github.zoomcam.pipeline.ResultFolder}), through
 * the batch runner Fiji and Spark use too. Exit code 0 when every image was explained or skipped, 1 when
 * any failed or the run was interrupted, 2 for bad arguments, an unusable model or output folder.
 */
final class ExplainCommand {

	/** Options whose value is one of {@link ExplainSettings}' settings, under the same name. */
	static final Set<String> SETTING_OPTIONS = Set.of(ExplainSettings.METHOD, ExplainSettings.LAYERS,
		ExplainSettings.TARGET, ExplainSettings.AGGREGATION, ExplainSettings.GRADCAM_LAYER,
		ExplainSettings.SCORECAM_CHANNELS, ExplainSettings.SCORECAM_BATCH, ExplainSettings.LAYER_MAPS,
		ExplainSettings.THRESHOLD, ExplainSettings.KEEP, ExplainSettings.MIN_AREA, ExplainSettings.BACKGROUND,
		ExplainSettings.OPACITY, ExplainSettings.REFINE, ExplainSettings.REFINE_THRESHOLDING, ExplainSettings.REFINE_SIGMA,
		ExplainSettings.REFINE_BACKGROUND, ExplainSettings.REFINE_POLARITY, ExplainSettings.REFINE_WATERSHED,
		ExplainSettings.REFINE_MIN_EVIDENCE, ExplainSettings.REFINE_NOISE_FLOOR, ExplainSettings.REFINE_MIN_SIZE,
		ExplainSettings.TILE, ExplainSettings.OVERLAP, ExplainSettings.SCALE, ExplainSettings.SERIES);

	private final PrintStream out;
	private final PrintStream err;

	ExplainCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(final String[] args) {
		final Set<String> valueOptions = new java.util.HashSet<>(SETTING_OPTIONS);
		valueOptions.addAll(Set.of("model", "out", "device", "batch", "tile-batch"));
		final CliArgs a = new CliArgs("explain", args, valueOptions, Set.of("overwrite", "no-pseudo-labels"));
		final Path model = Paths.get(a.require("model", "give the bundle folder or .zip"));
		final Path outDir = Paths.get(a.require("out", "give the folder to write results to"));
		final List<Path> images = a.positional().stream().map(Paths::get).toList();
		if (images.isEmpty()) throw new ZoomCamException("no images given: list image files after the options");
		final DeviceChoice device = DeviceChoice.parse(a.get("device", "auto"));
		final int batchSize = a.integer("batch", 1, 1);
		final int tileBatch = a.integer("tile-batch", TiledExplainer.DEFAULT_TILE_BATCH, 1);
		if (a.get(ExplainSettings.MIN_AREA, null) != null && !"all".equalsIgnoreCase(a.get(ExplainSettings.KEEP,
			"largest")))
		{
			throw new ZoomCamException("--min-area only applies with --keep all; add --keep all or drop --min-area");
		}
		final ExplainSettings settings = settings(a, ModelBundle.readManifest(model));

		// The output folder first: a read-only or busy folder fails before any model work.
		try (ResultStore store = ResultStore.exclusive(outDir);
			ModelBundle bundle = ModelBundle.load(model, device, w -> err.println("warning: " + w)))
		{
			err.println("model: " + bundle.manifest().name() + ", " + bundle.runtime() + ", self-test " + (bundle
				.selfTest().passed() ? "passed" : "FAILED"));
			final BatchRunner runner = new BatchRunner(bundle.explainer(), settings, store, a.flag("overwrite"),
				batchSize, tileBatch);
			final Interrupt interrupt = Interrupt.install(err);
			try {
				final BatchRunner.Summary summary = runner.run(images, new Progress(err, interrupt));
				err.println("done: " + summary.line() + "; results in " + store.root());
				return summary.exitCode();
			}
			finally {
				interrupt.finished();
			}
		}
	}

	/** The explain settings from the options (keys as in {@link ExplainSettings}). */
	static ExplainSettings settings(final CliArgs a, final BundleManifest manifest) {
		final Map<String, String> text = new LinkedHashMap<>();
		for (final String key : SETTING_OPTIONS) {
			final String value = a.get(key, null);
			if (value != null) text.put(key, value);
		}
		if (a.flag("no-pseudo-labels")) text.put(ExplainSettings.PSEUDO_LABELS, "false");
		return ExplainSettings.parse(manifest, text);
	}

	/** One line per image on stderr; engine progress at most every 10 seconds. */
	private static final class Progress implements BatchRunner.Listener {

		private final PrintStream err;
		private final Interrupt interrupt;
		private long lastEngineReport = System.nanoTime();

		Progress(final PrintStream err, final Interrupt interrupt) {
			this.err = err;
			this.interrupt = interrupt;
		}

		@Override
		public void finished(final Outcome o, final int total) {
			final String where = "[" + (o.index() + 1) + "/" + total + "] " + o.source() + (o.opener() == null ? ""
				: " (" + o.opener() + ")") + ": ";
			o.warnings().forEach(w -> err.println("warning: " + w));
			err.println(where + switch (o.status()) {
				case EXPLAINED -> (o.classes().isEmpty() ? o.message() : BatchRunner.classList(o) + (o.message().isEmpty()
					? "" : " (" + o.message() + ")")) + "; " + o.instances() + " instance(s)" + String.format(Locale.ROOT,
						" (%.0f ms/image)", o.millis());
				case SKIPPED -> "skipped, " + o.message();
				case FAILED -> "failed: " + o.message();
				case CANCELLED -> "cancelled";
			});
		}

		@Override
		public void progress(final int done, final int total, final String what) {
			if (done < total && System.nanoTime() - lastEngineReport > 10_000_000_000L) {
				err.println("  " + what + ": " + done + "/" + total);
				lastEngineReport = System.nanoTime();
			}
		}

		@Override
		public boolean cancelled() {
			return interrupt.requested();
		}
	}

	/**
	 * Ctrl-C (SIGINT/SIGTERM) asks the runner to stop after the current image and waits for it, so the
	 * image being written is either committed or removed, never left half-written.
	 */
	private static final class Interrupt {

		private final AtomicBoolean requested = new AtomicBoolean();
		private final CountDownLatch done = new CountDownLatch(1);
		private Thread hook;

		static Interrupt install(final PrintStream err) {
			final Interrupt interrupt = new Interrupt();
			interrupt.hook = new Thread(() -> {
				interrupt.requested.set(true);
				err.println("interrupted: finishing the current image...");
				try {
					interrupt.done.await(60, TimeUnit.SECONDS);
				}
				catch (final InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}, "zoomcam-interrupt");
			Runtime.getRuntime().addShutdownHook(interrupt.hook);
			return interrupt;
		}

		boolean requested() {
			return requested.get();
		}

		void finished() {
			done.countDown();
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (final IllegalStateException e) {
				// the JVM is already shutting down: the hook is running and waits for done
			}
		}
	}
}
