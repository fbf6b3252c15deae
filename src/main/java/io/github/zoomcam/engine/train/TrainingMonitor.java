package io.github.zoomcam.engine.train;

/**
 * Progress and cancellation of one training run, for front ends (the command line, a Fiji status bar and
 * plot). Called on the training thread; implementations must return quickly.
 */
public interface TrainingMonitor {

	/** Reports nothing and never cancels. */
	TrainingMonitor NONE = new TrainingMonitor() {};

	/** A one-line note: reading progress, skipped images, the plan of the run. */
	default void message(final String line) {}

	/** After each optimisation step of an epoch. */
	default void batchDone(final int epoch, final int batch, final int batches, final double meanLoss) {}

	/** After each epoch's validation. */
	default void epochDone(final EpochReport report) {}

	/**
	 * Polled after every batch (and between images while reading). True stops training after the current
	 * batch; the best network so far is still written.
	 */
	default boolean cancelled() {
		return false;
	}
}
