package io.github.zoomcam.engine.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What a training run did and wrote.
 *
 * @param bundle the written bundle
 * @param classes class names in logit order
 * @param kind single- or multi-label
 * @param trainImages images trained on
 * @param validationImages images scored each epoch
 * @param skipped "name: reason" of each unreadable image
 * @param epochs one report per epoch run
 * @param bestEpoch the epoch whose network the bundle holds (1-based)
 * @param stopReason "completed", "early stopping" or "cancelled"
 * @param seconds wall time from reading the data to the written bundle
 * @param device the device trained on, e.g. cpu()
 */
public record TrainingResult(Path bundle, List<String> classes, LabelKind kind, int trainImages,
	int validationImages, List<String> skipped, List<EpochReport> epochs, int bestEpoch, String stopReason,
	double seconds, String device)
{

	public static final String COMPLETED = "completed";
	public static final String EARLY_STOPPING = "early stopping";
	public static final String CANCELLED = "cancelled";

	public TrainingResult {
		classes = List.copyOf(classes);
		skipped = List.copyOf(skipped);
		epochs = List.copyOf(epochs);
	}

	public EpochReport best() {
		return epochs.stream().filter(e -> e.epoch() == bestEpoch).reduce((a, b) -> b).orElseThrow();
	}

	/** Mean seconds per epoch, over full epochs. */
	public double secondsPerEpoch() {
		return epochs.stream().filter(EpochReport::complete).mapToDouble(EpochReport::seconds).average().orElse(
			Double.NaN);
	}

	@Override
	public String toString() {
		final EpochReport best = best();
		return String.format(java.util.Locale.ROOT,
			"%s after %d epoch(s): best epoch %d, validation %s %.4f (loss %.4f); %d training, %d validation images%s; " +
				"%.0f s on %s; wrote %s",
			stopReason, epochs.size(), bestEpoch, best.scoreName(), best.validationScore(), best.validationLoss(),
			trainImages, validationImages, skipped.isEmpty() ? "" : ", " + skipped.size() + " unreadable skipped",
			seconds, device, bundle);
	}
}
