package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import io.github.zoomcam.core.CancelledException;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.Explainer;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.Prediction;
import io.github.zoomcam.engine.Timings;
import io.github.zoomcam.pipeline.tiling.MemoryBudget;
import io.github.zoomcam.pipeline.tiling.RawMapStore;
import io.github.zoomcam.pipeline.tiling.TileGrid;
import io.github.zoomcam.pipeline.tiling.TileSource;
import io.github.zoomcam.pipeline.tiling.TiledExplainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one batch loop of the project: {@code zoomcam explain}, Fiji's "Generate Pseudo-Labels..." and the
 * Spark job all run their images through it. Each image is isolated: whatever goes wrong with one (a file
 * no reader understands, a reader's own exception, the network, a full disk) is reported as that image's
 * failure with a one-line reason, and the batch goes on. Results are written whole or not at all into a
 * {@link ResultStore}; an image whose current result exists (same source file, same settings) is skipped.
 * An image larger than the model input is explained in tiles at native resolution (the settings' tiling,
 * see {@link TiledExplainer}), alone, with its full-size outputs checked against the memory first.
 */
public final class BatchRunner {

	/** What happened to one image. */
	public enum Status { EXPLAINED, SKIPPED, FAILED, CANCELLED }

	/** One explained class: name and probability. */
	public record ClassScore(String className, float probability) {}

	/**
	 * The outcome of one image.
	 *
	 * @param index 0-based position in the input list
	 * @param source the input file
	 * @param folder the result folder's name in the store
	 * @param status what happened
	 * @param message the reason of a failure or skip, a note otherwise (may be empty)
	 * @param classes the explained classes (explained images only)
	 * @param instances pseudo-label instances written (0 without pseudo-labels)
	 * @param warnings one-line warnings about the image (e.g. only its first plane was explained)
	 * @param millis engine time for the image (its share of a batch)
	 * @param opener the reader that opened the file ({@link ImageFiles#BIO_FORMATS_OPENER} or
	 *        {@link ImageFiles#IMAGEJ_OPENER}), null when it was not opened
	 */
	public record Outcome(int index, Path source, String folder, Status status, String message,
		List<ClassScore> classes, int instances, List<String> warnings, double millis, String opener)
	{

		public Outcome {
			classes = List.copyOf(classes);
			warnings = List.copyOf(warnings);
		}

		public Outcome(final int index, final Path source, final String folder, final Status status,
			final String message, final List<ClassScore> classes, final int instances, final List<String> warnings,
			final double millis)
		{
			this(index, source, folder, status, message, classes, instances, warnings, millis, null);
		}

		static Outcome of(final int index, final Path source, final String folder, final Status status,
			final String message)
		{
			return new Outcome(index, source, folder, status, message, List.of(), 0, List.of(), 0, null);
		}
	}

	/**
	 * Every outcome, in input order.
	 *
	 * @param total number of input files
	 */
	public record Summary(int total, List<Outcome> outcomes) {

		public Summary {
			outcomes = List.copyOf(outcomes);
		}

		public long count(final Status status) {
			return outcomes.stream().filter(o -> o.status() == status).count();
		}

		/** Inputs never reached because the run was cancelled. */
		public int notProcessed() {
			return total - outcomes.size();
		}

		public boolean cancelled() {
			return count(Status.CANCELLED) > 0 || notProcessed() > 0;
		}

		/** 0 when every image was explained or skipped, 1 when any failed or the run was cancelled. */
		public int exitCode() {
			return count(Status.FAILED) > 0 || cancelled() ? 1 : 0;
		}

		/** "8 explained, 1 skipped, 1 failed" (and cancelled / not processed when so). */
		public String line() {
			String line = count(Status.EXPLAINED) + " explained, " + count(Status.SKIPPED) + " skipped, " + count(
				Status.FAILED) + " failed";
			if (cancelled()) line += "; cancelled, " + (notProcessed() + count(Status.CANCELLED)) + " not processed";
			return line;
		}
	}

	/** Progress, per-image outcomes and cancellation of a run. */
	public interface Listener {

		/** Before the first image. */
		default void started(final int total, final Path outputFolder) {}

		/** After each image, in input order. */
		default void finished(final Outcome outcome, final int total) {}

		/** Network passes of a long engine call (Score-CAM's masked passes). */
		default void progress(final int done, final int total, final String what) {}

		/** Polled between images and between network passes. */
		default boolean cancelled() {
			return false;
		}
	}

	private final Explainer explainer;
	private final ModelBundle bundle;
	private final ExplainSettings settings;
	private final String settingsHash;
	private final ResultStore store;
	private final boolean overwrite;
	private final int batchSize;
	private final TiledExplainer tiled;

	/**
	 * @param overwrite redo every image, even where a current result exists
	 * @param batchSize images per engine call (a failing batch is retried image by image)
	 */
	public BatchRunner(final Explainer explainer, final ExplainSettings settings, final ResultStore store,
		final boolean overwrite, final int batchSize)
	{
		this(explainer, settings, store, overwrite, batchSize, TiledExplainer.DEFAULT_TILE_BATCH);
	}

	/**
	 * @param tileBatch tiles of a tiled image per engine call
	 */
	public BatchRunner(final Explainer explainer, final ExplainSettings settings, final ResultStore store,
		final boolean overwrite, final int batchSize, final int tileBatch)
	{
		if (batchSize < 1) throw new ZoomCamException("the batch size must be at least 1, got " + batchSize);
		if (tileBatch < 1) throw new ZoomCamException("the tile batch must be at least 1, got " + tileBatch);
		this.explainer = explainer;
		this.bundle = explainer.bundle();
		this.settings = settings;
		this.settingsHash = settings.hash(bundle.fingerprint(), bundle.manifest());
		this.store = store;
		this.overwrite = overwrite;
		this.batchSize = batchSize;
		// The raw maps of a large image's tiles wait next to the results (a disk chosen for large outputs),
		// named so that the next run removes them if this one is killed.
		this.tiled = new TiledExplainer(explainer, tileBatch, store.root(), RawMapStore.DEFAULT_MEMORY_LIMIT);
	}

	/** The key of this runner's settings with its model, as written to result.json. */
	public String settingsHash() {
		return settingsHash;
	}

	/**
	 * An image read and checked, waiting for the engine.
	 *
	 * @param flat the note of an image whose pixels all have one value (classified, given no labels), else null
	 */
	private record Job(int index, Path path, String folder, SourceFile source, ImagePlus image, ImageInput input,
		TileGrid grid, List<String> warnings, String flat)
	{}

	/**
	 * One input file with the name of its result folder.
	 *
	 * @param folder chosen by {@link ResultStore#folderNames} over the whole list the file belongs to
	 */
	public record Input(Path source, String folder) {}

	/** Explains every file, naming result folders by {@link ResultStore#folderNames} over {@code sources}. */
	public Summary run(final List<Path> sources, final Listener listener) {
		final Map<Path, String> names = ResultStore.folderNames(sources);
		return runNamed(sources.stream().map(p -> new Input(p, names.get(p))).toList(), listener);
	}

	/**
	 * Explains inputs whose folder names were chosen over a larger list: a Spark task runs one slice of a
	 * screen, and its folders must be named as a single run over the whole screen would name them.
	 */
	public Summary runNamed(final List<Input> inputs, final Listener listener) {
		final int total = inputs.size();
		final List<Outcome> outcomes = new ArrayList<>();
		listener.started(total, store.root());
		final List<Job> pending = new ArrayList<>();
		final Outcome[] byIndex = new Outcome[total];
		int reported = 0;
		for (int i = 0; i < total && !listener.cancelled(); i++) {
			final Path path = inputs.get(i).source();
			final String folder = inputs.get(i).folder();
			try {
				final Job job = prepare(i, path, folder);
				if (job == null) {
					byIndex[i] = Outcome.of(i, path, folder, Status.SKIPPED, "a current result exists in " + store.folder(
						folder) + " (same file and settings; overwrite to redo it)");
				}
				else if (job.grid() != null) {
					byIndex[i] = explainTiled(job, listener);
				}
				else {
					pending.add(job);
				}
			}
			catch (final RuntimeException | OutOfMemoryError | StackOverflowError | LinkageError e) {
				byIndex[i] = Outcome.of(i, path, folder, Status.FAILED, reason(path, e));
			}
			if (pending.size() == batchSize || i == total - 1) {
				explainAll(pending, byIndex, listener);
				pending.clear();
			}
			// Report in input order up to the first image still waiting for the engine.
			while (reported <= i && byIndex[reported] != null) {
				outcomes.add(byIndex[reported]);
				listener.finished(byIndex[reported], total);
				reported++;
			}
		}
		return new Summary(total, outcomes);
	}

	/** Reads and checks one image, or returns null when its current result exists. */
	private Job prepare(final int index, final Path path, final String folder) {
		final SourceFile unread = SourceFile.of(path);
		if (!overwrite && store.isCurrent(folder, unread, settingsHash)) return null;
		final ImageFiles.Opened opened = ImageFiles.read(path, settings.series());
		final SourceFile source = unread.withOpener(opened.opener(), opened.fallbackReason());
		final ImagePlus image = opened.image();
		ImageChecks.require(image, bundle.manifest());
		final List<String> warnings = new ArrayList<>();
		if (opened.fallbackReason() != null) {
			warnings.add(path.getFileName() + " was read by " + opened.opener() + " because " + opened
				.fallbackReason());
		}
		if (opened.seriesNote(path) != null) warnings.add(opened.seriesNote(path));
		final int planes = image.getNSlices() * image.getNFrames();
		if (planes > 1) {
			warnings.add(path.getFileName() + " has " + planes + " planes; the first is explained (Fiji's Explain " +
				"Image explains every plane)");
		}
		final TileGrid grid = settings.tiling().plan(image, bundle.manifest());
		final String name = path.getFileName().toString();
		if (grid != null) {
			// A large image is never converted whole: its flatness is read from its pixels.
			final String flat = ImageChecks.flatness(image, name, 1, 1);
			if (flat != null) {
				// Nothing to explain: one tile stands for the image's class scores.
				warnings.add(flat);
				return new Job(index, path, folder, source, image, TileSource.of(image, name, 1, 1).tile(grid.tile(0)),
					null, warnings, flat);
			}
			// Checked before any tile is explained; again once the number of classes is known.
			MemoryBudget.require(name, image.getWidth(), image.getHeight(), outputs(image, settings.fewestTargets()));
			return new Job(index, path, folder, source, image, null, grid, warnings, null);
		}
		final ImageInput input = ImageConversion.toInput(image, name, 1, 1);
		final String flat = ImageChecks.flatness(input);
		if (flat != null) warnings.add(flat);
		return new Job(index, path, folder, source, image, input, null, warnings, flat);
	}

	/**
	 * Explains one image in tiles and writes its result. The whole image never becomes one float array:
	 * tiles are cut from views of its pixels, and only the stitched maps are image-sized.
	 */
	private Outcome explainTiled(final Job job, final BatchRunner.Listener listener) {
		final String name = job.path().getFileName().toString();
		final ImagePlus image = job.image();
		if (settings.stitchesOneMapAtATime((long) image.getWidth() * image.getHeight())) {
			return explainTiledOneMapAtATime(job, listener);
		}
		final ExplainResult result;
		try {
			result = tiled.explain(TileSource.of(image, name, 1, 1), job.grid(), settings.options(), layerMapsAtFullSize(
				image), settings.tiledEvidence((long) image.getWidth() * image.getHeight(), false), targets -> MemoryBudget.require(name, image.getWidth(), image.getHeight(), outputs(image, targets)),
				monitor(listener));
		}
		catch (final CancelledException e) {
			return Outcome.of(job.index(), job.path(), job.folder(), Status.CANCELLED, e.getMessage());
		}
		catch (final RuntimeException | OutOfMemoryError | StackOverflowError | LinkageError e) {
			return Outcome.of(job.index(), job.path(), job.folder(), Status.FAILED, reason(job.path(), e));
		}
		final Outcome written = write(job, result.images().get(0), result, 1);
		if (written.status() != Status.EXPLAINED) return written;
		final String note = (written.message().isEmpty() ? "" : written.message() + "; ") + "explained in " + job
			.grid().describe();
		return new Outcome(written.index(), written.source(), written.folder(), written.status(), note, written
			.classes(), written.instances(), written.warnings(), written.millis(), written.opener());
	}

	/**
	 * A large image: its tiles' raw maps are made, then its result folder is written one full-size map at a
	 * time ({@link ResultFolder#writeTiled}).
	 */
	private Outcome explainTiledOneMapAtATime(final Job job, final BatchRunner.Listener listener) {
		final String name = job.path().getFileName().toString();
		final ImagePlus image = job.image();
		final long start = System.nanoTime();
		Path temporary = null;
		try (TiledExplainer.RawTiles tiles = tiled.explainRaw(TileSource.of(image, name, 1, 1), job.grid(), settings
			.options(), targets -> MemoryBudget.require(name, image.getWidth(), image.getHeight(), outputs(image,
				targets)), monitor(listener)))
		{
			temporary = store.begin(job.folder());
			final ResultFolder.Written written = ResultFolder.writeTiled(temporary, bundle, job.source(), image, 1, tiles,
				settings, settingsHash, monitor(listener));
			store.commit(temporary, job.folder());
			final ImageExplanation summary = tiles.summary();
			final List<ClassScore> classes = summary.targets().stream().map(t -> new ClassScore(t.className(), t
				.probability())).toList();
			final List<String> warnings = new ArrayList<>(job.warnings());
			warnings.addAll(summary.warnings());
			warnings.addAll(written.warnings());
			final String note = (summary.targets().isEmpty() ? "no class reached the target; " : "") + "explained in " +
				job.grid().describe();
			return new Outcome(job.index(), job.path(), job.folder(), Status.EXPLAINED, note, classes, written
				.instances(), warnings, (System.nanoTime() - start) / 1e6, job.source().opener());
		}
		catch (final CancelledException e) {
			if (temporary != null) store.abort(temporary);
			return Outcome.of(job.index(), job.path(), job.folder(), Status.CANCELLED, e.getMessage());
		}
		catch (final RuntimeException | OutOfMemoryError | StackOverflowError | LinkageError e) {
			if (temporary != null) store.abort(temporary);
			return Outcome.of(job.index(), job.path(), job.folder(), Status.FAILED, reason(job.path(), e));
		}
	}

	private boolean layerMapsAtFullSize(final ImagePlus image) {
		return settings.layerMaps().atOriginalSize((long) image.getWidth() * image.getHeight());
	}

	/** The full-size outputs of an image with this many explained classes, for the memory check. */
	private MemoryBudget.Outputs outputs(final ImagePlus image, final int targets) {
		return settings.fullSizeOutputs(bundle.manifest(), (long) image.getWidth() * image.getHeight(), targets, false);
	}

	/**
	 * Explains the jobs (split where per-layer maps are wanted at different sizes) and writes each result;
	 * a failing engine call is retried image by image so one bad image costs only itself.
	 */
	private void explainAll(final List<Job> jobs, final Outcome[] outcomes, final Listener listener) {
		final List<Job> original = new ArrayList<>();
		final List<Job> input = new ArrayList<>();
		for (final Job job : jobs) {
			if (job.flat() != null) {
				outcomes[job.index()] = classifyOnly(job);
				continue;
			}
			final long pixels = (long) job.input().width() * job.input().height();
			(settings.layerMaps().atOriginalSize(pixels) ? original : input).add(job);
		}
		explainGroup(original, true, outcomes, listener);
		explainGroup(input, false, outcomes, listener);
	}

	private void explainGroup(final List<Job> jobs, final boolean layerMapsAtOriginal, final Outcome[] outcomes,
		final Listener listener)
	{
		if (jobs.isEmpty()) return;
		final ExplainOptions options = settings.options().toBuilder().layerMapsAtOriginalSize(layerMapsAtOriginal)
			.build();
		final ExplainResult result;
		try {
			result = explainer.explain(jobs.stream().map(Job::input).toList(), options, monitor(listener));
		}
		catch (final CancelledException e) {
			for (final Job job : jobs) {
				outcomes[job.index()] = Outcome.of(job.index(), job.path(), job.folder(), Status.CANCELLED, e.getMessage());
			}
			return;
		}
		catch (final RuntimeException | OutOfMemoryError | StackOverflowError | LinkageError e) {
			if (jobs.size() > 1) {
				for (final Job job : jobs) explainGroup(List.of(job), layerMapsAtOriginal, outcomes, listener);
				return;
			}
			final Job job = jobs.get(0);
			outcomes[job.index()] = Outcome.of(job.index(), job.path(), job.folder(), Status.FAILED, reason(job.path(),
				e));
			return;
		}
		for (int j = 0; j < jobs.size(); j++) {
			final Job job = jobs.get(j);
			outcomes[job.index()] = write(job, result.images().get(j), result, jobs.size());
		}
	}

	/**
	 * A flat image: its class scores are written (result.json) with no explained class, so its label image is
	 * all background and it has no boxes or ROIs; no map is computed from an image without structure.
	 */
	private Outcome classifyOnly(final Job job) {
		try {
			final Prediction p = explainer.predict(List.of(job.input())).get(0);
			// The image's own size: a large flat image is classified on one of its tiles.
			final ImageExplanation explanation = new ImageExplanation(job.input().name(), job.image().getWidth(), job
				.image().getHeight(), p.logits(), p.probabilities(), List.of(), List.of(job.flat()));
			final Outcome written = write(job, explanation, new ExplainResult(List.of(explanation), bundle.runtime(),
				new Timings(0, 0, 0, 0, 0, 0)), 1);
			if (written.status() != Status.EXPLAINED) return written;
			return new Outcome(written.index(), written.source(), written.folder(), written.status(), job.flat(), List
				.of(), 0, job.warnings(), 0, written.opener());
		}
		catch (final RuntimeException | OutOfMemoryError | StackOverflowError | LinkageError e) {
			return Outcome.of(job.index(), job.path(), job.folder(), Status.FAILED, reason(job.path(), e));
		}
	}

	/** Writes one result into a temporary folder and renames it into place. */
	private Outcome write(final Job job, final ImageExplanation explanation, final ExplainResult result,
		final int sharing)
	{
		final Path temporary;
		try {
			temporary = store.begin(job.folder());
		}
		catch (final ZoomCamException e) {
			return Outcome.of(job.index(), job.path(), job.folder(), Status.FAILED, e.getMessage());
		}
		try {
			final ResultFolder.Written written = ResultFolder.write(temporary, bundle, job.source(), job.image(), 1,
				explanation, result, settings, settingsHash);
			store.commit(temporary, job.folder());
			final List<ClassScore> classes = explanation.targets().stream().map(t -> new ClassScore(t.className(), t
				.probability())).toList();
			final List<String> warnings = new ArrayList<>(job.warnings());
			warnings.addAll(explanation.warnings());
			warnings.addAll(written.warnings());
			final int instances = written.instances();
			final String note = explanation.targets().isEmpty() ? "no class reached the target" : "";
			return new Outcome(job.index(), job.path(), job.folder(), Status.EXPLAINED, note, classes, instances,
				warnings, result.timings().totalMs() / sharing, job.source().opener());
		}
		catch (final RuntimeException | OutOfMemoryError | StackOverflowError | LinkageError e) {
			store.abort(temporary);
			return Outcome.of(job.index(), job.path(), job.folder(), Status.FAILED, reason(job.path(), e));
		}
	}

	private static ExplainMonitor monitor(final Listener listener) {
		return new ExplainMonitor() {

			@Override
			public void progress(final int done, final int total, final String what) {
				listener.progress(done, total, what);
			}

			@Override
			public boolean cancelled() {
				return listener.cancelled();
			}
		};
	}

	/** One line: the message of our own errors, the kind and message of anything else. */
	static String reason(final Path path, final Throwable e) {
		if (e instanceof ZoomCamException) return e.getMessage();
		if (e instanceof OutOfMemoryError) {
			return "out of memory on " + path.getFileName() + "; give Java more memory (JAVA_OPTS=-Xmx8g) or use a " +
				"smaller batch";
		}
		final String message = e.getMessage() == null ? "" : ": " + e.getMessage().strip().lines().findFirst()
			.orElse("");
		return "cannot process " + path.getFileName() + " (" + e.getClass().getSimpleName() + message +
			"); the file may be damaged: open it in Fiji to check";
	}

	/** The explained classes of an outcome as "nucleus 0.998, ring 0.731". */
	public static String classList(final Outcome outcome) {
		return String.join(", ", outcome.classes().stream().map(c -> String.format(java.util.Locale.ROOT, "%s %.3f", c
			.className(), c.probability())).toList());
	}
}
