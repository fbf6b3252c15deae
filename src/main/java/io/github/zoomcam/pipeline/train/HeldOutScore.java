package io.github.zoomcam.pipeline.train;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.Prediction;
import io.github.zoomcam.engine.train.LabelKind;
import io.github.zoomcam.engine.train.Scores;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A bundle scored on labelled images it was not trained on, through the engine exactly as explaining uses it
 * (ModelBundle.load, then ZoomCamEngine.predict on the raw pixels): mAP for multi-label data, accuracy for
 * single-label data, and the per-class average precision.
 *
 * @param metric "mAP" or "accuracy"
 * @param value the score
 * @param averagePrecision per class, in class order
 * @param images images scored
 * @param skipped images that could not be read
 */
public record HeldOutScore(String metric, double value, Map<String, Double> averagePrecision, int images,
	int skipped)
{

	private static final int BATCH = 32;

	public HeldOutScore {
		averagePrecision = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(averagePrecision));
	}

	/** Scores a bundle on a training-layout folder with the same classes. */
	public static HeldOutScore evaluate(final Path bundlePath, final TrainingFolder data, final DeviceChoice device,
		final Consumer<String> messages)
	{
		try (ModelBundle bundle = ModelBundle.load(bundlePath, device, messages)) {
			if (!bundle.manifest().classes().equals(data.classes())) {
				throw new ZoomCamException("the held-out data " + data.source() + " have the classes " + data.classes() +
					" but the bundle has " + bundle.manifest().classes() + "; give data with the same classes");
			}
			final List<float[]> logits = new ArrayList<>();
			final List<float[]> targets = new ArrayList<>();
			int skipped = 0;
			final List<ImageInput> batch = new ArrayList<>();
			final List<float[]> batchTargets = new ArrayList<>();
			for (int i = 0; i < data.size(); i++) {
				try {
					batch.add(data.load(i));
					batchTargets.add(data.target(i));
				}
				catch (final ZoomCamException e) {
					skipped++;
				}
				if (batch.size() == BATCH || (i == data.size() - 1 && !batch.isEmpty())) {
					for (final Prediction p : bundle.explainer().predict(batch)) logits.add(p.logits());
					targets.addAll(batchTargets);
					batch.clear();
					batchTargets.clear();
				}
			}
			if (logits.isEmpty()) throw new ZoomCamException("none of the held-out images in " + data.source() +
				" could be read");
			final float[][] l = logits.toArray(float[][]::new);
			final float[][] t = targets.toArray(float[][]::new);
			final double[] ap = Scores.averagePrecisions(l, t);
			final Map<String, Double> perClass = new LinkedHashMap<>();
			for (int c = 0; c < ap.length; c++) perClass.put(data.classes().get(c), ap[c]);
			final LabelKind kind = data.kind();
			return new HeldOutScore(kind.scoreName(), Scores.score(kind, l, t), perClass, l.length, skipped);
		}
	}

	@Override
	public String toString() {
		final List<String> parts = new ArrayList<>();
		averagePrecision.forEach((c, v) -> parts.add(String.format(Locale.ROOT, "%s %.4f", c, v)));
		return String.format(Locale.ROOT, "held-out %s %.4f on %d images%s (AP: %s)", metric, value, images,
			skipped > 0 ? ", " + skipped + " unreadable skipped" : "", String.join(", ", parts));
	}
}
