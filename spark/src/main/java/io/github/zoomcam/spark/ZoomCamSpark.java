package io.github.zoomcam.spark;

import io.github.zoomcam.core.ZoomCamException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code zoomcam-spark}: Zoom-CAM pseudo-labels for a whole screen on Apache Spark. The same per-image
 * result folders as {@code ./zoomcam explain} (the same bytes for the same settings), plus a summary CSV.
 * Exit code 0 when every image was explained or skipped, 1 when any failed or the job failed, 2 for bad
 * arguments, an unusable model or an unusable output folder (one error line, no stack trace).
 */
public final class ZoomCamSpark {

	private static final Logger LOG = LoggerFactory.getLogger(ZoomCamSpark.class);

	private ZoomCamSpark() {}

	public static void main(final String[] args) {
		System.exit(run(args));
	}

	/** Runs the job; returns the exit code. */
	public static int run(final String[] args) {
		if (java.util.Arrays.asList(args).contains("--help")) {
			LOG.info("{}", JobOptions.USAGE);
			return 0;
		}
		final JobOptions options;
		try {
			options = JobOptions.parse(args);
		}
		catch (final ZoomCamException e) {
			LOG.error("{}", e.getMessage());
			return 2;
		}
		return run(options, TaskHook.NONE);
	}

	static int run(final JobOptions options, final TaskHook hook) {
		try {
			final SparkExplainJob.Result result = SparkExplainJob.run(options, hook);
			LOG.info("done: {}; results in {}, summary {}", result.line(), options.outputFolder(), options.summary());
			return result.exitCode();
		}
		catch (final SparkExplainJob.JobFailedException e) {
			LOG.error("{}", e.getMessage());
			return 1;
		}
		catch (final ZoomCamException e) {
			LOG.error("{}", e.getMessage());
			return 2;
		}
	}
}
