package io.github.zoomcam.pipeline.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.OutputKind;
import io.github.zoomcam.engine.Prediction;
import io.github.zoomcam.engine.train.ClassifierTrainer;
import io.github.zoomcam.engine.train.EpochReport;
import io.github.zoomcam.engine.train.LabelKind;
import io.github.zoomcam.engine.train.Scores;
import io.github.zoomcam.engine.train.TrainingMonitor;
import io.github.zoomcam.engine.train.TrainingOptions;
import io.github.zoomcam.engine.train.TrainingResult;
import io.github.zoomcam.engine.train.ValidationSplit;
import io.github.zoomcam.synth.SynthClass;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.zoomcam.pipeline.train.TrainingFolderTest.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training for a few steps on tiny generated data sets (48 x 48 inputs): the loss falls, the bundle goes
 * through the engine like any exported one, and bad data end in one line.
 */
class ClassifierTrainerTest {

	private static final int INPUT = 48;

	@TempDir
	static Path shared;

	@TempDir
	Path tmp;

	private static TrainingFolder multiLabel;
	private static TrainingResult trained;

	private static TrainingOptions.Builder quick() {
		return TrainingOptions.builder().epochs(6).batchSize(8).inputSize(INPUT, INPUT).device(DeviceChoice.CPU)
			.patience(0).seed(5);
	}

	@BeforeAll
	static void trainOnce() {
		multiLabel = TrainingFolder.read(TrainingTestData.multiLabel(shared.resolve("synth"), 48, 21));
		trained = ClassifierTrainer.train(multiLabel, shared.resolve("bundle"), quick().build(), TrainingMonitor.NONE);
	}

	@Test
	void lossFalls() {
		final List<EpochReport> epochs = trained.epochs();
		assertEquals(6, epochs.size());
		final double first = epochs.get(0).trainLoss();
		final double last = epochs.get(epochs.size() - 1).trainLoss();
		assertTrue(last < 0.9 * first, "training loss falls: " + first + " -> " + last);
		assertTrue(epochs.stream().allMatch(EpochReport::complete));
		assertEquals(TrainingResult.COMPLETED, trained.stopReason());
	}

	@Test
	void bundleLoadsPassesItsSelfTestAndExplains() throws Exception {
		final List<String> warnings = new ArrayList<>();
		try (ModelBundle bundle = ModelBundle.load(trained.bundle(), DeviceChoice.CPU, warnings::add)) {
			assertEquals(List.of(), warnings, "no warning: the layer-name checksum is there and matches");
			assertTrue(bundle.selfTest().performed() && bundle.selfTest().passed(), bundle.selfTest().toString());
			assertEquals(multiLabel.classes(), bundle.manifest().classes());
			assertEquals(OutputKind.SIGMOID, bundle.manifest().output());
			assertEquals(INPUT, bundle.manifest().height());
			assertEquals(10, bundle.manifest().layers().size());
			assertEquals(16, bundle.manifest().layers().get(9).stride());
			assertEquals(3, bundle.manifest().layers().get(9).height());
			final ImageInput image = multiLabel.load(0);
			final ExplainResult r = bundle.explainer().explain(List.of(image), ExplainOptions.defaults());
			final FloatMap map = r.images().get(0).targets().get(0).map(CamMethod.ZOOMCAM);
			assertEquals(image.width(), map.width());
			float max = 0;
			for (final float v : map.toArray()) {
				assertTrue(Float.isFinite(v) && v >= 0 && v <= 1);
				max = Math.max(max, v);
			}
			assertTrue(max > 0.5f, "the layers' gradients reach the map: max " + max);
		}
		// the checksums the engine verifies at load, recomputed here from model.pt's bytes and the layer names
		final JsonObject manifest = JsonParser.parseString(Files.readString(trained.bundle().resolve("zoomcam.json"),
			StandardCharsets.UTF_8)).getAsJsonObject();
		final String modelSha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance(
			"SHA-256").digest(Files.readAllBytes(trained.bundle().resolve("model.pt"))));
		assertEquals(modelSha, manifest.get(BundleManifest.MODEL_SHA256).getAsString());
		final List<String> names = new ArrayList<>();
		manifest.getAsJsonArray("layers").forEach(l -> names.add(l.getAsJsonObject().get("name").getAsString()));
		assertEquals(10, names.size());
		assertEquals(BundleManifest.layerNamesChecksum(modelSha, names), manifest.get(BundleManifest
			.LAYER_NAMES_SHA256).getAsString());
		final JsonObject training = record(trained.bundle());
		assertEquals(multiLabel.source(), training.get("data").getAsString());
		assertEquals(48, training.getAsJsonObject("images").get("readable").getAsInt());
		assertEquals(5, training.get("seed").getAsLong());
		assertEquals("mAP", training.getAsJsonObject("best_validation").get("metric").getAsString());
		assertTrue(training.getAsJsonObject("counts_per_class").has("puncta"));
		assertEquals(21, training.getAsJsonObject("synth").get("train_seed").getAsLong(), "synth settings recorded");
	}

	/**
	 * The engine, reading the raw images and preprocessing them its own way, scores the validation images as
	 * the trainer did for the epoch it kept: the trainer's resize and normalisation are the engine's.
	 */
	@Test
	void engineReproducesTheRecordedValidationScore() throws IOException {
		final float[][] targets = new float[multiLabel.size()][];
		for (int i = 0; i < targets.length; i++) targets[i] = multiLabel.target(i);
		final ValidationSplit split = ValidationSplit.stratified(targets, multiLabel.classes(), LabelKind.MULTI_LABEL,
			TrainingOptions.DEFAULT_VALIDATION_FRACTION, 5);
		final List<ImageInput> images = new ArrayList<>();
		final float[][] validationTargets = new float[split.validation().length][];
		for (int i = 0; i < validationTargets.length; i++) {
			images.add(multiLabel.load(split.validation()[i]));
			validationTargets[i] = targets[split.validation()[i]];
		}
		try (ModelBundle bundle = ModelBundle.load(trained.bundle(), DeviceChoice.CPU, w -> {})) {
			final float[][] logits = bundle.explainer().predict(images).stream().map(Prediction::logits).toArray(
				float[][]::new);
			final JsonObject best = record(trained.bundle()).getAsJsonObject("best_validation");
			assertEquals(best.get("loss").getAsDouble(), Scores.binaryCrossEntropy(logits, validationTargets), 1e-3);
			assertEquals(best.get("value").getAsDouble(), Scores.meanAveragePrecision(logits, validationTargets), 1e-3);
		}
	}

	@Test
	void classFoldersTrainSingleLabelSkippingUnreadableAndResizingOddImages() throws IOException {
		final Path dir = TrainingTestData.singleLabel(tmp.resolve("folders"), List.of(SynthClass.NUCLEUS,
			SynthClass.RING), 6, 8);
		Files.writeString(dir.resolve("ring").resolve("broken.tif"), "not a tiff");
		final Path nucleus = dir.resolve("nucleus");
		final Path first = Files.list(nucleus).sorted().findFirst().orElseThrow();
		final ImagePlus sixteen = IJ.openImage(first.toString());
		final ImageProcessor bigger = sixteen.getProcessor().convertToShort(false).resize(150, 140);
		bigger.multiply(16); // a 12-bit camera's range
		IJ.saveAsTiff(new ImagePlus("odd", bigger), nucleus.resolve("odd_16bit.tif").toString());
		final List<String> messages = new ArrayList<>();
		final TrainingResult result = ClassifierTrainer.train(TrainingFolder.read(dir), tmp.resolve("single"), quick()
			.epochs(2).build(), new TrainingMonitor() {

				@Override
				public void message(final String line) {
					messages.add(line);
				}
			});
		assertEquals(LabelKind.SINGLE_LABEL, result.kind());
		assertEquals(1, result.skipped().size());
		assertTrue(result.skipped().get(0).startsWith("ring/broken.tif: cannot read image"), result.skipped().get(0));
		assertTrue(messages.stream().anyMatch(m -> m.contains("skipped 1 unreadable image(s): ring/broken.tif")),
			messages.toString());
		assertEquals("accuracy", result.best().scoreName());
		final JsonObject training = record(result.bundle());
		final JsonObject images = training.getAsJsonObject("images");
		assertEquals(1, images.get("unreadable_skipped").getAsInt());
		assertEquals(13, images.get("resized_to_input").getAsInt(), "every image differs from 48 x 48");
		assertEquals(1, images.getAsJsonObject("bit_depths").get("16bit").getAsInt());
		final JsonObject manifest = manifest(result.bundle());
		assertEquals(4095, manifest.getAsJsonObject("preprocessing").getAsJsonObject("value_range").getAsJsonArray(
			"16bit").get(1).getAsInt(), "16-bit range from the largest 16-bit value");
		try (ModelBundle bundle = ModelBundle.load(result.bundle(), DeviceChoice.CPU, w -> {})) {
			assertEquals(OutputKind.SOFTMAX, bundle.manifest().output());
			assertEquals(List.of("nucleus", "ring"), bundle.manifest().classes());
		}
	}

	@Test
	void cancellingStopsAfterTheCurrentBatchAndWritesTheBestSoFar() {
		final AtomicInteger batches = new AtomicInteger();
		final TrainingResult result = ClassifierTrainer.train(multiLabel, tmp.resolve("cancelled"), quick().build(),
			new TrainingMonitor() {

				@Override
				public void batchDone(final int epoch, final int batch, final int total, final double loss) {
					batches.incrementAndGet();
				}

				@Override
				public boolean cancelled() {
					return batches.get() >= 2;
				}
			});
		assertEquals(2, batches.get());
		assertEquals(TrainingResult.CANCELLED, result.stopReason());
		assertEquals(1, result.epochs().size());
		assertFalse(result.epochs().get(0).complete());
		try (ModelBundle bundle = ModelBundle.load(result.bundle(), DeviceChoice.CPU, w -> {})) {
			assertTrue(bundle.selfTest().passed());
		}
	}

	/**
	 * A resumed run starts from the bundle's network: with a negligible learning rate and no augmentation its
	 * logits for the test input stay near the bundle's (BatchNorm statistics drift a little), while the same
	 * run from the template gives a different network altogether.
	 */
	@Test
	void resumeContinuesFromTheBundle() throws IOException {
		final TrainingOptions still = quick().epochs(1).learningRate(1e-7).augment(false).build();
		final TrainingResult resumed = ClassifierTrainer.train(multiLabel, tmp.resolve("resumed"), TrainingOptions
			.builder().epochs(1).learningRate(1e-7).augment(false).batchSize(8).device(DeviceChoice.CPU).seed(5).resume(
				trained.bundle()).build(), TrainingMonitor.NONE);
		final TrainingResult fresh = ClassifierTrainer.train(multiLabel, tmp.resolve("fresh"), still,
			TrainingMonitor.NONE);
		final float[] bundleLogits = testLogits(trained.bundle());
		final double resumedDistance = distance(testLogits(resumed.bundle()), bundleLogits);
		final double freshDistance = distance(testLogits(fresh.bundle()), bundleLogits);
		assertTrue(resumedDistance < 0.25 * freshDistance, "test-input logits: resumed " + resumedDistance +
			" from the bundle's, fresh " + freshDistance);
		final JsonObject training = record(resumed.bundle());
		assertEquals(trained.bundle().toString(), training.get("resumed_from").getAsString());
		assertTrue(training.get("network_from_template").getAsBoolean());
		assertEquals(5, training.getAsJsonObject("previous").get("seed").getAsLong());
		try (ModelBundle bundle = ModelBundle.load(resumed.bundle(), DeviceChoice.CPU, w -> {})) {
			assertEquals(INPUT, bundle.manifest().width(), "input size from the resumed bundle");
		}
	}

	@Test
	void resumeWithOtherClassesIsRefused() throws IOException {
		final Path dir = TrainingTestData.singleLabel(tmp.resolve("folders"), List.of(SynthClass.NUCLEUS,
			SynthClass.RING), 3, 8);
		assertOneLine(() -> ClassifierTrainer.train(TrainingFolder.read(dir), tmp.resolve("x"), quick().resume(trained
			.bundle()).build(), TrainingMonitor.NONE), "was trained on the classes [nucleus, rod, ring, puncta]",
			"continue only with the same classes");
	}

	@Test
	void existingOutputIsRefusedWithoutOverwrite() throws IOException {
		final Path out = Files.createDirectories(tmp.resolve("taken"));
		assertOneLine(() -> ClassifierTrainer.train(multiLabel, out, quick().build(), TrainingMonitor.NONE),
			"already exists", "--overwrite");
	}

	/** The layer-name checksum binds the written names: a renamed layer is refused at load, as for exports. */
	@Test
	void renamedLayerInTheWrittenBundleIsRefused() throws IOException {
		final Path copy = Files.createDirectories(tmp.resolve("renamed"));
		try (var files = Files.list(trained.bundle())) {
			for (final Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
		}
		final Path manifest = copy.resolve("zoomcam.json");
		final String text = Files.readString(manifest, StandardCharsets.UTF_8);
		final String first = JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("layers").get(0)
			.getAsJsonObject().get("name").getAsString();
		Files.writeString(manifest, text.replace("\"" + first + "\"", "\"" + first + "_renamed\""),
			StandardCharsets.UTF_8);
		assertOneLine(() -> ModelBundle.load(copy, DeviceChoice.CPU, w -> {}).close(), "layer_names_sha256 differs");
	}

	/** An output path below a file is refused before any training. */
	@Test
	void outputBelowAFileIsRefused() throws IOException {
		final Path file = Files.writeString(tmp.resolve("a file"), "x");
		assertOneLine(() -> ClassifierTrainer.train(multiLabel, file.resolve("bundle"), quick().build(),
			TrainingMonitor.NONE), "is a file", "choose another --out");
		assertEquals(List.of(file), Files.list(tmp).toList(), "nothing written");
	}

	/** A folder nothing can be written into is refused before any training (skipped when run as root). */
	@Test
	void unwritableOutputFolderIsRefusedBeforeTraining() throws IOException {
		final Path locked = Files.createDirectories(tmp.resolve("locked"));
		assertTrue(locked.toFile().setWritable(false, false));
		try {
			org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(locked), "running as a user who can " +
				"write anywhere");
			final AtomicInteger batches = new AtomicInteger();
			assertOneLine(() -> ClassifierTrainer.train(multiLabel, locked.resolve("sub").resolve("bundle"), quick()
				.build(), new TrainingMonitor() {

					@Override
					public void batchDone(final int epoch, final int batch, final int total, final double loss) {
						batches.incrementAndGet();
					}
				}), "is not writable", "choose a writable folder");
			assertEquals(0, batches.get(), "refused before training");
		}
		finally {
			locked.toFile().setWritable(true, false);
		}
	}

	@Test
	void singleClassAndTooLittleData() throws IOException {
		final Path one = TrainingTestData.singleLabel(tmp.resolve("one"), List.of(SynthClass.ROD), 3, 8);
		assertOneLine(() -> ClassifierTrainer.train(TrainingFolder.read(one), tmp.resolve("a"), quick().build(),
			TrainingMonitor.NONE), "only one class ('rod')", "at least two");
		final Path few = TrainingTestData.singleLabel(tmp.resolve("few"), List.of(SynthClass.ROD, SynthClass.RING), 3,
			8);
		try (var files = Files.list(few.resolve("ring"))) {
			for (final Path f : files.sorted().skip(1).toList()) Files.delete(f);
		}
		assertOneLine(() -> ClassifierTrainer.train(TrainingFolder.read(few), tmp.resolve("b"), quick().build(),
			TrainingMonitor.NONE), "too little data for the validation split: class 'ring' has 1");
	}

	/**
	 * Training records gradients on its own thread only: explaining on another thread meanwhile gives exactly
	 * the maps it gives alone, and neither waits for the other.
	 */
	@Test
	void explainingWhileTrainingGivesTheSameMaps() throws Exception {
		try (ModelBundle fixture = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {})) {
			final ImageInput image = Fixtures.read(Fixtures.RGB_IMAGE);
			final float[] alone = zoomCamMap(fixture, image);
			final AtomicInteger batches = new AtomicInteger();
			final CompletableFuture<TrainingResult> training = CompletableFuture.supplyAsync(() -> ClassifierTrainer
				.train(multiLabel, tmp.resolve("concurrent"), quick().epochs(3).build(), new TrainingMonitor() {

					@Override
					public void batchDone(final int epoch, final int batch, final int total, final double loss) {
						batches.incrementAndGet();
					}
				}));
			while (batches.get() == 0 && !training.isDone()) Thread.sleep(20);
			int explained = 0;
			while (!training.isDone()) {
				assertArrayEquals(alone, zoomCamMap(fixture, image), "explained while training");
				explained++;
			}
			final TrainingResult result = training.get(5, TimeUnit.MINUTES);
			assertEquals(TrainingResult.COMPLETED, result.stopReason());
			assertTrue(explained > 0, "some explain calls ran during training");
			assertTrue(result.epochs().stream().allMatch(e -> Double.isFinite(e.trainLoss())));
		}
	}

	private static float[] zoomCamMap(final ModelBundle bundle, final ImageInput image) {
		return bundle.explainer().explain(List.of(image), ExplainOptions.defaults()).images().get(0).targets().get(0)
			.map(CamMethod.ZOOMCAM).toArray();
	}

	private static JsonObject manifest(final Path bundle) throws IOException {
		return JsonParser.parseString(Files.readString(bundle.resolve("zoomcam.json"), StandardCharsets.UTF_8))
			.getAsJsonObject();
	}

	private static float[] testLogits(final Path bundle) throws IOException {
		final var values = manifest(bundle).getAsJsonObject("test").getAsJsonArray("expected_logits");
		final float[] out = new float[values.size()];
		for (int i = 0; i < out.length; i++) out[i] = values.get(i).getAsFloat();
		return out;
	}

	private static double distance(final float[] a, final float[] b) {
		double sum = 0;
		for (int i = 0; i < a.length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
		return Math.sqrt(sum);
	}

	private static JsonObject record(final Path bundle) throws IOException {
		return manifest(bundle).getAsJsonObject("training");
	}
}
