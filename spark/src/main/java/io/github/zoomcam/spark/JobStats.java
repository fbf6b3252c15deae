package io.github.zoomcam.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where a job's time went, for the log and the benchmark: wall-clock time of the job on the driver, and,
 * summed over the successful tasks through Spark accumulators, the time tasks spent and the part of it the
 * engine spent explaining. Spark's overhead per image is the slot time that the engine did not use.
 *
 * @param images images in the job
 * @param slots tasks that ran at the same time (the application's default parallelism)
 * @param jobSeconds from the first task's launch request to the last row's return, on the driver
 * @param taskMillis summed over tasks: time inside the task function
 * @param engineMillis summed over images: the engine's time (its share of a batch)
 */
public record JobStats(long images, int slots, double jobSeconds, double taskMillis, double engineMillis) {

	/** The accumulators tasks add to; they travel in the task closure. */
	record Accumulators(DoubleAccumulator engineMillis, DoubleAccumulator taskMillis, LongAccumulator images)
		implements Serializable
	{

		private static final long serialVersionUID = 1L;

		static Accumulators register(final JavaSparkContext sc) {
			return new Accumulators(sc.sc().doubleAccumulator("zoomcam engine ms"), sc.sc().doubleAccumulator(
				"zoomcam task ms"), sc.sc().longAccumulator("zoomcam images"));
		}
	}

	public double imagesPerSecond() {
		return jobSeconds > 0 ? images / jobSeconds : 0;
	}

	public double engineMillisPerImage() {
		return images > 0 ? engineMillis / images : 0;
	}

	/** Slot time per image not spent in the engine: reading, writing and Spark's own scheduling. */
	public double overheadMillisPerImage() {
		return images > 0 ? (jobSeconds * 1000 * slots - engineMillis) / images : 0;
	}

	/** Slot time per image outside the task functions: Spark's scheduling, serialisation, idle slots. */
	public double schedulingMillisPerImage() {
		return images > 0 ? (jobSeconds * 1000 * slots - taskMillis) / images : 0;
	}

	public String line() {
		return String.format(Locale.ROOT, "%d images in %.1f s on %d slots: %.2f images/s; engine %.1f ms/image, " +
			"overhead %.1f ms/image of slot time (of which outside tasks %.1f)", images, jobSeconds, slots,
			imagesPerSecond(), engineMillisPerImage(), overheadMillisPerImage(), schedulingMillisPerImage());
	}

	/** As JSON, for tools/benchmark_spark.sh. */
	public String json() {
		return String.format(Locale.ROOT, "{\"images\": %d, \"slots\": %d, \"job_seconds\": %.3f, \"task_ms\": %.1f, " +
			"\"engine_ms\": %.1f, \"images_per_second\": %.3f, \"engine_ms_per_image\": %.3f, " +
			"\"overhead_ms_per_image\": %.3f}%n", images, slots, jobSeconds, taskMillis, engineMillis, imagesPerSecond(),
			engineMillisPerImage(), overheadMillisPerImage());
	}
}
