package io.github.zoomcam.engine.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.Preprocessing.ValueRange;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The zoomcam.json of a trained network: the fields tools/export_model.py writes, the preprocessing computed
 * from the training images, and a "training" record (data, counts per class, epochs, scores, time, device,
 * seed) so that a bundle says how it was made.
 */
final class BundleContents {

	private final String name;
	private final LabelledImages data;
	private final TrainingImages images;
	private final ValidationSplit split;
	private final float[][] normalisation;
	private final ModelTemplate template;
	private final ClassifierTrainer.Continued continued;
	private final TrainingOptions options;
	private final ClassifierTrainer.Run run;
	private final Device device;
	private final List<String> layers;
	private final long startNanos;

	BundleContents(final String name, final LabelledImages data, final TrainingImages images,
		final ValidationSplit split, final float[][] normalisation, final ModelTemplate template,
		final ClassifierTrainer.Continued continued, final TrainingOptions options, final ClassifierTrainer.Run run,
		final Device device, final List<String> layers, final long startNanos)
	{
		this.name = name;
		this.data = data;
		this.images = images;
		this.split = split;
		this.normalisation = normalisation;
		this.template = template;
		this.continued = continued;
		this.options = options;
		this.run = run;
		this.device = device;
		this.layers = layers;
		this.startNanos = startNanos;
	}

	long[] testShape() {
		final InputFormat f = images.format();
		return new long[] {1, f.channels(), f.height(), f.width()};
	}

	JsonObject manifest(final TrainableNetwork network) {
		final InputFormat f = images.format();
		final JsonObject root = new JsonObject();
		root.addProperty("format_version", BundleManifest.FORMAT_VERSION);
		root.addProperty("name", name);
		root.addProperty("description", description());
		root.add("classes", strings(images.classes()));
		root.addProperty("output", images.kind().output().name().toLowerCase(Locale.ROOT));
		final JsonObject input = new JsonObject();
		input.addProperty("channels", f.channels());
		input.addProperty("height", f.height());
		input.addProperty("width", f.width());
		root.add("input", input);
		final JsonObject pre = new JsonObject();
		final JsonObject ranges = new JsonObject();
		ranges.add("8bit", range(f.range8()));
		ranges.add("16bit", range(f.range16()));
		ranges.add("32bit", range(f.range32()));
		pre.add("value_range", ranges);
		pre.add("mean", numbers(normalisation[0]));
		pre.add("std", numbers(normalisation[1]));
		pre.addProperty("channel_order", "RGB");
		pre.addProperty("resize", "bilinear");
		root.add("preprocessing", pre);
		final JsonArray layerArray = new JsonArray();
		final List<long[]> shapes = run.layerShapes();
		for (int i = 0; i < layers.size(); i++) {
			final long[] s = shapes.get(i);
			final JsonObject l = new JsonObject();
			l.addProperty("name", layers.get(i));
			l.addProperty("channels", s[1]);
			l.addProperty("height", s[2]);
			l.addProperty("width", s[3]);
			l.addProperty("stride", Math.max(1, Math.round((double) f.height() / s[2])));
			layerArray.add(l);
		}
		root.add("layers", layerArray);
		root.add("default_layers", strings(continued != null ? continued.manifest().defaultLayers() : layers));
		root.addProperty("gradcam_layer", continued != null ? continued.manifest().gradcamLayer() : template
			.gradcamLayer());
		root.addProperty("pytorch_version", Engine.getEngine("PyTorch").getVersion());
		final JsonObject test = new JsonObject();
		test.addProperty("input", BundleWriter.TEST_INPUT);
		test.add("expected_logits", numbers(run.best.testLogits()));
		root.add("test", test);
		root.add("training", training(network));
		return root;
	}

	private String description() {
		final String what = "classifier of " + String.join(", ", images.classes()) + " (" + images.kind() + ")";
		if (continued != null) {
			return "Continued training of " + continued.path().getFileName() + ": " + what + ", by zoomcam train on " +
				data.source() + ".";
		}
		return "A " + what + " trained by zoomcam train (Java, no Python) on " + data.source() + "; network: " +
			template.arch() + ", " + template.description() + ".";
	}

	private JsonObject training(final TrainableNetwork network) {
		final JsonObject t = new JsonObject();
		t.addProperty("trainer", "zoomcam train (Java, DJL " + Engine.getDjlVersion() + ", PyTorch " + Engine.getEngine(
			"PyTorch").getVersion() + ")");
		if (!options.command().isBlank()) t.addProperty("command", options.command());
		t.addProperty("data", data.source());
		t.addProperty("layout", data.layout());
		if (data.synthRecord() != null) t.add("synth", data.synthRecord());
		t.addProperty("labels", images.kind().toString());
		if (template != null) {
			t.addProperty("arch", template.arch());
			t.addProperty("template", template.fileName());
			t.addProperty("template_sha256", template.sha256());
		}
		else {
			t.addProperty("resumed_from", continued.path().toString());
			t.addProperty("network_from_template", network.fromTemplate());
		}
		final JsonObject counts = new JsonObject();
		counts.addProperty("listed", data.size());
		counts.addProperty("readable", images.size());
		counts.addProperty("unreadable_skipped", images.skipped().size());
		counts.addProperty("train", split.train().length);
		counts.addProperty("validation", split.validation().length);
		counts.addProperty("resized_to_input", images.resized());
		counts.addProperty("grey_replicated_to_rgb", images.greyReplicated());
		final JsonObject depths = new JsonObject();
		images.bitDepths().forEach((depth, n) -> depths.addProperty(depth == 24 ? "rgb" : depth + "bit", n));
		counts.add("bit_depths", depths);
		t.add("images", counts);
		final JsonObject perClass = new JsonObject();
		final int[][] c = split.countsPerClass(images.targets(), images.classes().size());
		for (int k = 0; k < c.length; k++) {
			final JsonObject o = new JsonObject();
			o.addProperty("train", c[k][0]);
			o.addProperty("validation", c[k][1]);
			perClass.add(images.classes().get(k), o);
		}
		t.add("counts_per_class", perClass);
		final JsonObject hyper = new JsonObject();
		hyper.addProperty("epochs", options.epochs());
		hyper.addProperty("batch", options.batchSize());
		hyper.addProperty("optimizer", "AdamW");
		hyper.addProperty("learning_rate", options.learningRate());
		hyper.addProperty("schedule", "one-cycle (cosine, 30% rise)");
		hyper.addProperty("weight_decay", options.weightDecay());
		hyper.addProperty("validation_fraction", options.validationFraction());
		hyper.addProperty("patience", options.patience());
		hyper.addProperty("augment", options.augment() ? "flips, right-angle rotations, gain, offset, noise" : "none");
		hyper.addProperty("crop", options.crop());
		hyper.addProperty("loss", images.kind() == LabelKind.SINGLE_LABEL ? "categorical cross-entropy"
			: "binary cross-entropy");
		t.add("settings", hyper);
		t.addProperty("seed", options.seed());
		t.addProperty("epochs_run", run.reports.size());
		t.addProperty("stopped", run.stopReason);
		final ClassifierTrainer.Snapshot best = run.best;
		final JsonObject bestJson = new JsonObject();
		bestJson.addProperty("epoch", best.epoch());
		bestJson.addProperty("metric", images.kind().scoreName());
		bestJson.addProperty("value", round(best.score()));
		bestJson.addProperty("loss", round(best.validationLoss()));
		t.add("best_validation", bestJson);
		final JsonArray history = new JsonArray();
		for (final EpochReport r : run.reports) {
			final JsonObject e = new JsonObject();
			e.addProperty("epoch", r.epoch());
			e.addProperty("loss", round(r.trainLoss()));
			e.addProperty("val_loss", round(r.validationLoss()));
			e.addProperty("val_" + r.scoreName(), round(r.validationScore()));
			e.addProperty("seconds", Math.round(r.seconds() * 10) / 10.0);
			if (Double.isFinite(r.cpuSeconds())) e.addProperty("cpu_seconds", Math.round(r.cpuSeconds() * 10) / 10.0);
			if (!r.complete()) e.addProperty("complete", false);
			history.add(e);
		}
		t.add("history", history);
		t.addProperty("train_seconds", Math.round((System.nanoTime() - startNanos) / 1e9));
		t.addProperty("device", device.toString());
		t.addProperty("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
		if (continued != null) {
			final JsonElement previous = previousTraining(continued.path());
			if (previous != null) t.add("previous", previous);
		}
		return t;
	}

	/** The "training" record of the bundle being continued, when it has one (folder bundles only). */
	private static JsonElement previousTraining(final Path bundle) {
		try {
			final Path json = bundle.resolve(BundleWriter.MANIFEST);
			if (!Files.isRegularFile(json)) return null;
			final JsonObject root = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8))
				.getAsJsonObject();
			return root.get("training");
		}
		catch (final java.io.IOException | RuntimeException e) {
			return null; // the record is informative only
		}
	}

	private static double round(final double v) {
		return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
	}

	private static JsonElement range(final ValueRange r) {
		if (r.perImageMinMax()) return new com.google.gson.JsonPrimitive("min-max");
		final JsonArray a = new JsonArray();
		a.add(number(r.low()));
		a.add(number(r.high()));
		return a;
	}

	private static Number number(final double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Number) (long) v : (Number) v;
	}

	private static JsonArray strings(final List<String> values) {
		final JsonArray a = new JsonArray();
		values.forEach(a::add);
		return a;
	}

	private static JsonArray numbers(final float[] values) {
		final JsonArray a = new JsonArray();
		for (final float v : values) a.add((double) v);
		return a;
	}
}
