package io.github.zoomcam.spark;

import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.pipeline.ResultStore;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The driver's side of a job. It is alone, so it does what must happen exactly once: it takes the output
 * folder's lock and removes what an interrupted run left there; it checks the settings and loads the model
 * once, so a missing or bad bundle fails with one line before Spark starts; it lists the images and names
 * their result folders over the whole list. Then Spark runs one task per slice of that list (a few strings
 * per image) and gets back one small summary row per image, which the driver writes as one CSV file.
 */
public final class SparkExplainJob {

	private static final Logger LOG = LoggerFactory.getLogger(SparkExplainJob.class);
	private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?");

	/**
	 * What a job did.
	 *
	 * @param rows one per image, in input order
	 * @param stats where the time went
	 */
	public record Result(List<SummaryRow> rows, JobStats stats) {

		public Result {
			rows = List.copyOf(rows);
		}

		public long count(final String status) {
			return rows.stream().filter(r -> r.status().equals(status)).count();
		}

		/** 0 when every image was explained or skipped, 1 when any failed. */
		public int exitCode() {
			return count("failed") > 0 ? 1 : 0;
		}

		public String line() {
			return count("explained") + " explained, " + count("skipped") + " skipped, " + count("failed") + " failed";
		}
	}

	private SparkExplainJob() {}

	/** Runs a job; {@code hook} is called on the executors after each image (tests; else {@link TaskHook#NONE}). */
	static Result run(final JobOptions options, final TaskHook hook) {
		final String master = master(options);
		final boolean local = LOCAL_MASTER.matcher(master).matches();
		if (local) nativeThreadsForLocalSlots(master);
		// The output folder first: a read-only or busy folder fails before any model work.
		try (ResultStore store = ResultStore.exclusive(options.outputFolder())) {
			final ExplainSettings settings = ExplainSettings.parse(ModelBundle.readManifest(Path.of(options.model())),
				options.settings());
			final List<ImageTask> tasks = ImageListing.tasks(ImageListing.list(options.inputs(), options.manifests(),
				options.pattern(), options.recursive(), options.outputFolder()));
			if (tasks.isEmpty()) throw new ZoomCamException("no images found in " + String.join(" ", options.inputs()));
			// A cluster's driver may have no GPU; its executors resolve the device themselves.
			final DeviceChoice checkOn = local ? DeviceChoice.parse(options.device()) : DeviceChoice.CPU;
			final ModelBundle bundle = ModelBundle.load(Path.of(options.model()), checkOn, w -> LOG.warn("{}", w));
			final String settingsHash;
			try {
				if (!bundle.selfTest().passed()) {
					throw new ZoomCamException("model " + options.model() + " fails its self-test (" + bundle.selfTest() +
						"); check the bundle with 'zoomcam info'");
				}
				settingsHash = settings.hash(bundle.fingerprint(), bundle.manifest());
				LOG.info("model {}: {}, self-test passed; {} images, output {}", bundle.manifest().name(), bundle.runtime(),
					tasks.size(), store.root());
			}
			catch (final RuntimeException e) {
				bundle.close();
				throw e;
			}
			final Path marks = store.root().resolve(".zoomcam-tmp-spark-" + UUID.randomUUID());
			final JobSpec spec = new JobSpec(options.model(), options.device(), store.root().toString(), options
				.settings(), options.overwrite(), options.batch(), options.enginesPerExecutor(), settingsHash, marks
					.toString());
			if (local) ExecutorEngines.adopt(spec, bundle);
			else bundle.close();
			try {
				return runOnSpark(options, master, local, spec, tasks, hook);
			}
			finally {
				if (local) ExecutorEngines.closeAll();
				// Every task of the job has ended: what failed attempts left (and the marks) can go.
				try {
					store.removeLeftovers();
				}
				catch (final IOException e) {
					LOG.warn("could not remove temporary folders from {} ({}); the next run removes them", store.root(), e
						.getMessage());
				}
			}
		}
	}

	private static Result runOnSpark(final JobOptions options, final String master, final boolean local,
		final JobSpec spec, final List<ImageTask> tasks, final TaskHook hook)
	{
		final SparkConf conf = new SparkConf().setAppName("Zoom-CAM pseudo-labels").setMaster(master);
		if (local && !conf.contains("spark.ui.enabled")) conf.set("spark.ui.enabled", "false");
		try (JavaSparkContext sc = new JavaSparkContext(conf)) {
			final int slots = sc.defaultParallelism();
			final int partitions = options.partitions() > 0 ? options.partitions() : Math.min(tasks.size(), 4 * slots);
			final JobStats.Accumulators accumulators = JobStats.Accumulators.register(sc);
			LOG.info("{} images in {} tasks on {} ({} slots)", tasks.size(), partitions, master, slots);
			final long start = System.nanoTime();
			final List<SummaryRow> rows;
			try {
				rows = sc.parallelize(tasks, partitions).mapPartitions(new ExplainPartition(spec, hook, accumulators))
					.collect();
			}
			catch (final Exception e) {
				// SparkException is checked in Java's eyes but thrown unchecked from Scala: catch every kind.
				throw new JobFailedException("the Spark job failed: " + taskFailure(e));
			}
			final double seconds = (System.nanoTime() - start) / 1e9;
			final List<SummaryRow> sorted = rows.stream().sorted(Comparator.comparingInt(SummaryRow::index)).toList();
			writeSummary(sorted, options.summary());
			final JobStats stats = new JobStats(tasks.size(), slots, seconds, accumulators.taskMillis().sum(),
				accumulators.engineMillis().sum());
			if (options.stats() != null) AtomicFiles.writeString(options.stats(), stats.json());
			LOG.info("{}", stats.line());
			return new Result(sorted, stats);
		}
	}

	/** The summary CSV, written whole under a temporary name and renamed into place. */
	static void writeSummary(final List<SummaryRow> rows, final Path target) {
		final StringBuilder csv = new StringBuilder(SummaryRow.header()).append('\n');
		for (final SummaryRow row : rows) csv.append(row.csvLine()).append('\n');
		AtomicFiles.writeString(target, csv.toString());
	}

	/** The master: --master, else spark-submit's (spark.master), else one local slot per core. */
	static String master(final JobOptions options) {
		if (options.master() != null) return options.master();
		final String submitted = System.getProperty("spark.master");
		if (submitted != null) return submitted;
		// A task that fails is tried once more, as on a cluster (a plain local master never retries).
		return "local[" + Runtime.getRuntime().availableProcessors() + ",2]";
	}

	/**
	 * With a local master all slots share this JVM's PyTorch: unless told otherwise, each engine gets an
	 * equal share of the cores, so N slots do not run N times the cores in native threads.
	 */
	private static void nativeThreadsForLocalSlots(final String master) {
		if (System.getProperty("ai.djl.pytorch.num_threads") != null || System.getenv("OMP_NUM_THREADS") != null) return;
		final Matcher m = LOCAL_MASTER.matcher(master);
		final int cores = Runtime.getRuntime().availableProcessors();
		final int slots = m.matches() && m.group(1) != null && !m.group(1).equals("*") ? Integer.parseInt(m.group(1))
			: m.matches() && m.group(1) == null ? 1 : cores;
		System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(Math.max(1, cores / Math.max(1, slots))));
	}

	/**
	 * One line from a failed Spark job: the message of our own exception where a task threw one (Spark
	 * passes it on as text), else the first line of Spark's.
	 */
	static String taskFailure(final Throwable e) {
		final String message = String.valueOf(e.getMessage());
		final String ours = ZoomCamException.class.getName() + ": ";
		final int at = message.indexOf(ours);
		final String from = at >= 0 ? message.substring(at + ours.length()) : message;
		return from.lines().findFirst().orElse(e.getClass().getSimpleName()).strip();
	}

	/** The job started but did not finish: no summary was written (exit code 1, not 2). */
	static final class JobFailedException extends ZoomCamException {

		private static final long serialVersionUID = 1L;

		JobFailedException(final String message) {
			super(message);
		}
	}
}
