package io.github.zoomcam.engine.train;

/**
 * One epoch of training.
 *
 * @param epoch 1-based
 * @param epochs epochs asked for
 * @param trainLoss mean loss over the epoch's batches (with augmentation, in training mode)
 * @param validationLoss mean loss on the validation images (evaluation mode, no augmentation)
 * @param validationScore accuracy (single-label) or mAP (multi-label) on the validation images
 * @param scoreName "accuracy" or "mAP"
 * @param seconds wall time of the epoch, validation included
 * @param cpuSeconds CPU time of the whole process during the epoch (all threads, native ones included): on a
 *          shared machine a steadier measure of the work than wall time; NaN where the JVM cannot tell
 * @param best true when this epoch is the best so far (and is what the bundle will hold)
 * @param complete false when the epoch was cut short by cancellation
 */
public record EpochReport(int epoch, int epochs, double trainLoss, double validationLoss, double validationScore,
	String scoreName, double seconds, double cpuSeconds, boolean best, boolean complete)
{

	@Override
	public String toString() {
		return String.format(java.util.Locale.ROOT, "epoch %d/%d  loss %.4f  val loss %.4f  val %s %.4f  %.1f s  " +
			"(cpu %.1f s)%s%s", epoch, epochs, trainLoss, validationLoss, scoreName, validationScore, seconds, cpuSeconds,
			best ? "  best" : "", complete ? "" : "  (stopped during the epoch)");
	}
}

