package io.github.zoomcam.spark;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.pipeline.BatchRunner;
import io.github.zoomcam.pipeline.BatchRunner.Outcome;
import io.github.zoomcam.pipeline.BatchRunner.Status;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.pipeline.ResultStore;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * One Spark task: explains a partition's images on this executor's engine and writes their result folders
 * through the same batch runner and result store as {@code ./zoomcam explain}, so the folders are the same
 * bytes. Fault tolerance comes from the store: each folder is written under a temporary name and renamed
 * into place, so a task that dies leaves no half-written or duplicate folder, and a retried task finds
 * the folders its earlier attempt committed (see {@link JobMarks}) instead of redoing them. Returns one
 * summary row per image; images and maps never leave the executor.
 */
final class ExplainPartition implements FlatMapFunction<Iterator<ImageTask>, SummaryRow> {

	private static final long serialVersionUID = 1L;
	private static final Logger LOG = LoggerFactory.getLogger(ExplainPartition.class);

	private final JobSpec spec;
	private final TaskHook hook;
	private final JobStats.Accumulators stats;

	ExplainPartition(final JobSpec spec, final TaskHook hook, final JobStats.Accumulators stats) {
		this.spec = spec;
		this.hook = hook;
		this.stats = stats;
	}

	@Override
	public Iterator<SummaryRow> call(final Iterator<ImageTask> images) {
		final long start = System.nanoTime();
		final List<ImageTask> tasks = new ArrayList<>();
		images.forEachRemaining(tasks::add);
		if (tasks.isEmpty()) return List.<SummaryRow> of().iterator();
		final TaskContext context = TaskContext.get();
		final int attempt = context == null ? 0 : context.attemptNumber();
		final JobMarks marks = new JobMarks(Path.of(spec.markFolder()));
		try (ExecutorEngines.Lease lease = ExecutorEngines.lease(spec)) {
			final ModelBundle bundle = lease.bundle();
			final ExplainSettings settings = ExplainSettings.parse(bundle.manifest(), spec.settings());
			final ResultStore store = ResultStore.shared(Path.of(spec.outputFolder()));
			final BatchRunner runner = new BatchRunner(bundle.explainer(), settings, store, spec.overwrite(), spec
				.batch());
			if (!runner.settingsHash().equals(spec.settingsHash())) {
				throw new ZoomCamException("the model this executor read from " + ExecutorEngines.resolve(spec.model()) +
					" is not the one the driver checked (other files); give every executor the same bundle");
			}
			final SummaryRow[] rows = new SummaryRow[tasks.size()];
			final List<ImageTask> toRun = new ArrayList<>();
			final List<Integer> rowOf = new ArrayList<>();
			for (int i = 0; i < tasks.size(); i++) {
				final ImageTask task = tasks.get(i);
				final SummaryRow done = attempt > 0 && marks.marked(task.folder()) ? committedEarlier(task, store) : null;
				if (done != null) {
					rows[i] = done;
				}
				else {
					toRun.add(task);
					rowOf.add(i);
				}
			}
			if (!toRun.isEmpty()) {
				final BatchRunner.Summary summary = runner.runNamed(toRun.stream().map(t -> new BatchRunner.Input(Path.of(t
					.path()), t.folder())).toList(), new Listener(toRun, marks, context, attempt));
				for (final Outcome outcome : summary.outcomes()) {
					rows[rowOf.get(outcome.index())] = row(toRun.get(outcome.index()), outcome, store);
					if (outcome.status() == Status.EXPLAINED) stats.engineMillis().add(outcome.millis());
				}
				if (summary.outcomes().size() < toRun.size()) {
					throw new ZoomCamException("the task stopped after " + summary.outcomes().size() + " of " + toRun.size() +
						" images");
				}
			}
			stats.taskMillis().add((System.nanoTime() - start) / 1e6);
			stats.images().add(tasks.size());
			return List.of(rows).iterator();
		}
	}

	/**
	 * Notes each committed folder for a retry, logs the image, lets the test hook act, and stops the runner
	 * between images when Spark kills the task.
	 */
	private final class Listener implements BatchRunner.Listener {

		private final List<ImageTask> tasks;
		private final JobMarks marks;
		private final TaskContext context;
		private final int partition;
		private final int attempt;

		Listener(final List<ImageTask> tasks, final JobMarks marks, final TaskContext context, final int attempt) {
			this.tasks = tasks;
			this.marks = marks;
			this.context = context;
			this.partition = context == null ? 0 : context.partitionId();
			this.attempt = attempt;
		}

		/** Spark kills the tasks of a failed job (or a speculative duplicate): stop at the next image. */
		@Override
		public boolean cancelled() {
			return context != null && context.isInterrupted();
		}

		@Override
		public void finished(final Outcome o, final int total) {
			if (o.status() == Status.EXPLAINED) marks.mark(o.folder());
			final ImageTask task = tasks.get(o.index());
			o.warnings().forEach(w -> LOG.warn("{}", w));
			if (o.status() == Status.FAILED) LOG.warn("[{}] {}: failed: {}", task.index() + 1, o.source(), o.message());
			else if (LOG.isInfoEnabled()) {
				LOG.info("[{}] {}: {}", task.index() + 1, o.source(), o.status() == Status.SKIPPED ? "skipped, " + o
					.message() : (o.classes().isEmpty() ? o.message() : classes(o.classes())) + "; " + o.instances() +
						" instance(s)" + String.format(Locale.ROOT, " (%.0f ms/image)", o.millis()));
			}
			hook.afterImage(o, partition, attempt);
		}
	}

	/** A summary row from a runner's outcome; a skipped image reports what its kept result holds. */
	private static SummaryRow row(final ImageTask task, final Outcome o, final ResultStore store) {
		final String status = o.status().name().toLowerCase(Locale.ROOT);
		if (o.status() == Status.SKIPPED) {
			final RecordedResult kept = RecordedResult.read(store.folder(task.folder()));
			if (kept != null) {
				return new SummaryRow(task.index(), task.path(), task.folder(), status, classes(kept.classes()), kept
					.instances(), task.labels(), o.message());
			}
		}
		return new SummaryRow(task.index(), task.path(), task.folder(), status, classes(o.classes()), o.instances(), task
			.labels(), o.message());
	}

	/**
	 * The row of an image an earlier attempt of this task committed, as that attempt would have reported
	 * it; null when its folder is gone or unreadable (then it is simply run again).
	 */
	private static SummaryRow committedEarlier(final ImageTask task, final ResultStore store) {
		final RecordedResult done = RecordedResult.read(store.folder(task.folder()));
		if (done == null) return null;
		return new SummaryRow(task.index(), task.path(), task.folder(), Status.EXPLAINED.name().toLowerCase(Locale.ROOT),
			classes(done.classes()), done.instances(), task.labels(), done.classes().isEmpty()
				? RecordedResult.NO_CLASS_NOTE : "");
	}

	/** "nucleus 0.998, ring 0.731", as the command line prints them. */
	static String classes(final List<BatchRunner.ClassScore> classes) {
		return String.join(", ", classes.stream().map(c -> String.format(Locale.ROOT, "%s %.3f", c.className(), c
			.probability())).toList());
	}
}
