package io.github.zoomcam.spark;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;

import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The engines of one executor JVM. A bundle holds the network in native (and device) memory and takes
 * seconds to load and self-test, so it is loaded once per JVM and reused by every task and partition that
 * runs there, never per task. On a CPU each concurrently running task gets an engine of its own (calls on
 * one engine are serialised), up to a limit; on a GPU all tasks share one engine, whose calls queue on the
 * device. One JVM serves one model on one device: a task that asks for another is refused, since a second
 * set of native weights would only be a mistake (two jobs with different models in one application).
 */
final class ExecutorEngines {

	private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngines.class);

	/** A loaded engine and how many tasks use it now. */
	private static final class Engine {

		final ModelBundle bundle;
		int users;

		Engine(final ModelBundle bundle) {
			this.bundle = bundle;
		}
	}

	private static String key;
	private static final List<Engine> ENGINES = new ArrayList<>();

	private ExecutorEngines() {}

	/** A task's use of an engine; closing it gives the engine back (it stays loaded). */
	static final class Lease implements AutoCloseable {

		private final Engine engine;
		private boolean closed;

		private Lease(final Engine engine) {
			this.engine = engine;
		}

		ModelBundle bundle() {
			return engine.bundle;
		}

		@Override
		public void close() {
			synchronized (ExecutorEngines.class) {
				if (!closed) engine.users--;
				closed = true;
			}
		}
	}

	/**
	 * An engine for the job's model: an idle one if there is one, else a newly loaded one while fewer than
	 * the limit are loaded, else the least busy (shared: its calls are serialised).
	 */
	static Lease lease(final JobSpec spec) {
		synchronized (ExecutorEngines.class) {
			requireSameModel(spec.engineKey());
			for (final Engine e : ENGINES) {
				if (e.users == 0 && !e.bundle.isClosed()) return take(e);
			}
			ENGINES.removeIf(e -> e.bundle.isClosed());
			if (ENGINES.isEmpty() || ENGINES.size() < limit(spec, ENGINES.get(0).bundle)) {
				// Loading under the lock: a second task that starts meanwhile waits for this load instead of
				// starting one that might exceed the limit.
				final Path model = resolve(spec.model());
				final ModelBundle bundle = ModelBundle.load(model, DeviceChoice.parse(spec.device()), w -> LOG.warn("{}",
					w));
				LOG.info("loaded model {} on {} (engine {} of this executor; gradients {})", model, bundle.runtime()
					.device(), ENGINES.size() + 1, bundle.batchedGradients() ? "batched" : "one image at a time");
				key = spec.engineKey();
				final Engine engine = new Engine(bundle);
				ENGINES.add(engine);
				return take(engine);
			}
			return take(ENGINES.stream().min(Comparator.comparingInt(e -> e.users)).orElseThrow());
		}
	}

	/**
	 * Hands a bundle the driver loaded (to check it) to the engines of its own JVM: with a local master the
	 * driver is also the executor, and loading the same network twice would only cost time.
	 */
	static void adopt(final JobSpec spec, final ModelBundle bundle) {
		synchronized (ExecutorEngines.class) {
			requireSameModel(spec.engineKey());
			key = spec.engineKey();
			ENGINES.add(new Engine(bundle));
		}
	}

	/**
	 * Closes every engine of this JVM. The driver calls it at the end of a local job (where it shares the
	 * JVM with the executor), so a later job in the same JVM may use another model; executors of a cluster
	 * release their engines when they exit.
	 */
	static void closeAll() {
		synchronized (ExecutorEngines.class) {
			for (final Engine e : ENGINES) e.bundle.close();
			ENGINES.clear();
			key = null;
		}
	}

	/** Engines loaded in this JVM now (for tests and logs). */
	static int loaded() {
		synchronized (ExecutorEngines.class) {
			return ENGINES.size();
		}
	}

	/**
	 * The bundle path on this executor: the job's path where it exists here (a shared filesystem, or a
	 * local master), else the copy Spark fetched for the job under the same file name ({@code --files
	 * bundle.zip} or {@code --archives bundle.zip#bundle} at submission).
	 */
	static Path resolve(final String model) {
		final Path path = Path.of(model);
		if (Files.exists(path) || SparkEnv.get() == null) return path;
		final Path shipped = Path.of(SparkFiles.get(path.getFileName().toString()));
		if (Files.exists(shipped)) return shipped;
		throw new ZoomCamException("model bundle not found on this executor: " + path + " (nor shipped with the job as " +
			shipped + "); put it on a filesystem every executor sees, or ship it with --files/--archives");
	}

	private static void requireSameModel(final String wanted) {
		if (key != null && !key.equals(wanted)) {
			throw new ZoomCamException("this executor already serves model " + key + "; one Spark application " +
				"explains with one model: start another application for " + wanted);
		}
	}

	private static int limit(final JobSpec spec, final ModelBundle loaded) {
		if (spec.enginesPerExecutor() > 0) return spec.enginesPerExecutor();
		return loaded.device().isGpu() ? 1 : Integer.MAX_VALUE;
	}

	private static Lease take(final Engine engine) {
		engine.users++;
		return new Lease(engine);
	}
}
