package io.github.zoomcam.engine;

import io.github.zoomcam.core.CancelledException;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.Fixtures;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.github.zoomcam.Fixtures.assertClose;
import static io.github.zoomcam.Fixtures.assertRelClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every CAM method of the engine against the independent PyTorch reference (tools/reference_cam.py
 * explain_methods, outputs in expected/methods.npz written by tools/make_fixtures.py --methods-only):
 * normalised maps at the model input and at the original size within 1e-5, raw maps within 1e-4 relative.
 */
class MethodsExactnessTest {

	static final double NORMALISED = 1e-5;
	static final double RAW_RELATIVE = 1e-4;
	static final List<CamMethod> ALL = List.of(CamMethod.values());

	static ModelBundle bundle;
	static Map<String, NpyArray> ref;

	@TempDir
	Path tmp;

	@BeforeAll
	static void load() throws IOException {
		bundle = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {});
		ref = Fixtures.expected("methods");
	}

	@AfterAll
	static void close() {
		bundle.close();
	}

	/** The reference's key of a method ("gradcam++" is stored as "gradcampp"). */
	static String key(final CamMethod m) {
		return m == CamMethod.GRADCAM_PLUS_PLUS ? "gradcampp" : m.id();
	}

	@Test
	void everyMethodInOneCallMatchesTheReference() {
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().layerMapsAtOriginalSize(true).methods(ALL).scoreCam(new ExplainOptions.ScoreCamSettings(0, ExplainOptions.ScoreCamSettings.DEFAULT_BATCH)).build());
		final ImageExplanation image = result.images().get(0);
		assertEquals((int) ref.get("single_targets").data()[0], image.targets().get(0).classIndex());
		final TargetExplanation t = image.targets().get(0);
		assertEquals(EnumSet.allOf(CamMethod.class), t.computedMethods());
		for (final CamMethod m : ALL) checkMethod("single_t0_", m, t);
		assertSame(t.methodMaps(CamMethod.ZOOMCAM).atOriginal(), t.map(CamMethod.ZOOMCAM));
		assertEquals(List.of("features.1", "features.4", "features.7", "features.9", "features.12"), t
			.methodMaps(CamMethod.LAYERCAM).layers());
		assertEquals(List.of("features.12"), t.methodMaps(CamMethod.GRADCAM_PLUS_PLUS).layers());
	}

	@Test
	void batchOfTwoImagesWithTwoTargetsAndSmallScoreCamBatchesMatchesTheReference() {
		// 2 images x 24 channels + baseline = 49 masked images in batches of 7: batches straddle images.
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE),
			Fixtures.read(Fixtures.GREY16_IMAGE)), ExplainOptions.builder().layerMapsAtOriginalSize(true).methods(ALL).targets(
				new TargetSpec.TopK(2)).scoreCam(new ExplainOptions.ScoreCamSettings(0, 7)).build());
		for (int i = 0; i < 2; i++) {
			final ImageExplanation image = result.images().get(i);
			for (int k = 0; k < 2; k++) {
				final TargetExplanation t = image.targets().get(k);
				assertEquals((int) ref.get("batch_img" + i + "_targets").data()[k], t.classIndex());
				for (final CamMethod m : ALL) checkMethod("batch_img" + i + "_t" + k + "_", m, t);
			}
		}
		final Timings timings = result.timings();
		if (bundle.batchedGradients()) {
			assertEquals(1, timings.forwardPasses());
			assertEquals(2, timings.backwardPasses(), "one backward pass per target rank, for all gradient methods");
			assertEquals(1 + 2 * 24, timings.maskedImages(), "one baseline, 24 channels per image");
			assertEquals(7, timings.maskedForwardPasses(), "49 masked images in batches of 7");
		}
		else {
			// This machine's libtorch gets batched gradients wrong: each image goes through alone.
			assertEquals(2, timings.forwardPasses());
			assertEquals(4, timings.backwardPasses(), "one backward pass per target rank and image");
			assertEquals(2 * (1 + 24), timings.maskedImages(), "one baseline and 24 channels per image");
			assertEquals(2 * 4, timings.maskedForwardPasses(), "25 masked images in batches of 7, per image");
		}
	}

	@Test
	void scoreCamWithTheChannelLimitMatchesTheReference() {
		final int limit = (int) ref.get("scorecam_limit").data()[0];
		assertTrue(limit > 0 && limit < 24, "the fixture limits Score-CAM to fewer channels than features.12 has");
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE),
			Fixtures.read(Fixtures.GREY16_IMAGE)), ExplainOptions.builder().layerMapsAtOriginalSize(true).methods(CamMethod.SCORECAM).targets(new TargetSpec.TopK(2)).scoreCam(new ExplainOptions.ScoreCamSettings(limit, ExplainOptions.ScoreCamSettings.DEFAULT_BATCH)).build());
		for (int i = 0; i < 2; i++) {
			for (int k = 0; k < 2; k++) {
				final TargetExplanation t = result.images().get(i).targets().get(k);
				assertEquals((int) ref.get("limit_img" + i + "_targets").data()[k], t.classIndex());
				assertEquals(EnumSet.of(CamMethod.SCORECAM), t.computedMethods());
				checkMethod("limit_img" + i + "_t" + k + "_", CamMethod.SCORECAM, t);
			}
		}
		final Timings timings = result.timings();
		assertEquals(0, timings.backwardPasses(), "Score-CAM alone needs no backward pass");
		assertEquals(1 + 2 * limit, timings.maskedImages());
		assertEquals(1, timings.maskedForwardPasses(), "21 masked images fit in one default batch of 32");
	}

	@Test
	void scoreCamLimitChangesTheMap() {
		// Guards against a limit that is silently ignored: the limited and unlimited references differ.
		final float[] all = ref.get("batch_img0_t0_scorecam_input").data();
		final float[] limited = ref.get("limit_img0_t0_scorecam_input").data();
		double d = 0;
		for (int i = 0; i < all.length; i++) d = Math.max(d, Math.abs(all[i] - limited[i]));
		assertTrue(d > 1e-3, "limited and full Score-CAM differ in the reference: " + d);
	}

	@Test
	void scoreCamOfASigmoidBundleUsesSigmoidProbabilities() throws IOException {
		final Path copy = tmp.resolve("sigmoid-bundle");
		Files.createDirectories(copy);
		try (Stream<Path> files = Files.list(Fixtures.BUNDLE)) {
			for (final Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
		}
		final Path json = copy.resolve("zoomcam.json");
		final String text = Files.readString(json);
		assertTrue(text.contains("\"output\": \"softmax\""));
		Files.writeString(json, text.replace("\"output\": \"softmax\"", "\"output\": \"sigmoid\""));
		try (ModelBundle sigmoid = ModelBundle.load(copy, DeviceChoice.CPU, w -> {})) {
			final TargetExplanation t = sigmoid.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
				ExplainOptions.builder().layerMapsAtOriginalSize(true).methods(CamMethod.SCORECAM).scoreCam(new ExplainOptions.ScoreCamSettings(0, ExplainOptions.ScoreCamSettings.DEFAULT_BATCH)).build()).images().get(0)
				.targets().get(0);
			assertEquals((int) ref.get("sigmoid_targets").data()[0], t.classIndex());
			checkMethod("sigmoid_t0_", CamMethod.SCORECAM, t);
		}
		// and the softmax map is a different one
		final float[] soft = ref.get("single_t0_scorecam_input").data();
		final float[] sig = ref.get("sigmoid_t0_scorecam_input").data();
		double d = 0;
		for (int i = 0; i < soft.length; i++) d = Math.max(d, Math.abs(soft[i] - sig[i]));
		assertTrue(d > 1e-3, "sigmoid and softmax Score-CAM differ in the reference: " + d);
	}

	@Test
	void anotherLayerChoiceAndMeanFusionMatchTheReference() {
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().layerMapsAtOriginalSize(true).methods(ALL).layers(List.of("features.9", "features.4")).gradcamLayer("features.9").aggregation(Aggregation.MEAN).scoreCam(new ExplainOptions.ScoreCamSettings(0, ExplainOptions.ScoreCamSettings.DEFAULT_BATCH)).build());
		final TargetExplanation t = result.images().get(0).targets().get(0);
		assertEquals((int) ref.get("layer9_targets").data()[0], t.classIndex());
		for (final CamMethod m : ALL) checkMethod("layer9_t0_", m, t);
		assertEquals(List.of("features.4", "features.9"), t.methodMaps(CamMethod.LAYERCAM).layers());
		assertEquals(List.of("features.9"), t.methodMaps(CamMethod.XGRADCAM).layers());
	}

	@Test
	void gradCamHiResCamAndXGradCamCoincideBeforeGlobalAveragePooling() {
		// features.12 feeds global average pooling and a linear layer, so dS/dA_k is the same at every
		// position: then w_k(Grad-CAM) = g_k, HiResCAM = sum_k g_k A_k and XGrad-CAM's weights are g_k too.
		// At features.9 they differ (checked against the reference above).
		final TargetExplanation t = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().layerMapsAtOriginalSize(true).methods(CamMethod.GRADCAM, CamMethod.HIRESCAM, CamMethod.XGRADCAM).build())
			.images().get(0).targets().get(0);
		final float[] grad = t.map(CamMethod.GRADCAM).toArray();
		assertArrayEquals(grad, t.map(CamMethod.HIRESCAM).toArray(), 1e-5f);
		assertArrayEquals(grad, t.map(CamMethod.XGRADCAM).toArray(), 1e-5f);
		final float[] at9 = ref.get("layer9_t0_gradcam_input").data();
		final float[] hires9 = ref.get("layer9_t0_hirescam_input").data();
		double d = 0;
		for (int i = 0; i < at9.length; i++) d = Math.max(d, Math.abs(at9[i] - hires9[i]));
		assertTrue(d > 0.1, "Grad-CAM and HiResCAM differ at features.9: " + d);
	}

	@Test
	void severalGradientMethodsCostNoExtraPasses() {
		final List<ImageInput> images = List.of(Fixtures.read(Fixtures.RGB_IMAGE));
		final ExplainOptions options = ExplainOptions.builder().layerMapsAtOriginalSize(true).targets(new TargetSpec.TopK(3)).build();
		final Timings one = bundle.explainer().explain(images, options.toBuilder().methods(CamMethod.GRADCAM).build()).timings();
		final List<CamMethod> gradientMethods = new ArrayList<>(ALL);
		gradientMethods.remove(CamMethod.SCORECAM);
		final ExplainResult all = bundle.explainer().explain(images, options.toBuilder().methods(gradientMethods).build());
		assertEquals(one.forwardPasses(), all.timings().forwardPasses());
		assertEquals(1, all.timings().forwardPasses());
		assertEquals(3, one.backwardPasses());
		assertEquals(3, all.timings().backwardPasses());
		assertEquals(0, all.timings().maskedImages());
		for (final TargetExplanation t : all.images().get(0).targets()) {
			assertEquals(EnumSet.copyOf(gradientMethods), t.computedMethods());
		}
	}

	@Test
	void askingForAMethodThatWasNotComputedIsAClearError() {
		final TargetExplanation t = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().layerMapsAtOriginalSize(true).build()).images().get(0).targets().get(0);
		assertEquals(EnumSet.of(CamMethod.ZOOMCAM, CamMethod.GRADCAM), t.computedMethods(), "default methods");
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> t.map(CamMethod.LAYERCAM));
		assertTrue(e.getMessage().contains("layercam") && e.getMessage().contains("zoomcam, gradcam"), e
			.getMessage());
		// Without Zoom-CAM, map(ZOOMCAM) fails.
		final TargetExplanation s = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().methods(CamMethod.LAYERCAM).build()).images().get(0).targets().get(0);
		assertEquals(EnumSet.of(CamMethod.LAYERCAM), s.computedMethods());
		assertThrows(ZoomCamException.class, () -> s.map(CamMethod.ZOOMCAM));
	}

	@Test
	void perLayerMapsStayAtInputSizeUnlessAskedWhileFusedMapsAreAtOriginalSize() {
		final TargetExplanation t = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().methods(ALL).scoreCam(new ExplainOptions.ScoreCamSettings(0,
				ExplainOptions.ScoreCamSettings.DEFAULT_BATCH)).build()).images().get(0).targets().get(0);
		for (final CamMethod m : ALL) {
			final MethodMaps mm = t.methodMaps(m);
			assertEquals(m.multiLayer(), !mm.hasLayerMapsAtOriginal(), m.id() + ": per-layer maps at original size");
			assertSame(mm.atOriginal(), t.map(m), m.id());
			assertClose(ref.get("single_t0_" + key(m) + "_input"), 0, mm.atInput(), NORMALISED, m.id() + " at input");
			assertClose(ref.get("single_t0_" + key(m) + "_original"), 0, mm.atOriginal(), NORMALISED, m.id() +
				" fused at original size without per-layer maps there");
		}
	}

	@Test
	void scoreCamReportsProgressAndCanBeCancelled() {
		final List<ImageInput> images = List.of(Fixtures.read(Fixtures.RGB_IMAGE));
		final ExplainOptions options = ExplainOptions.builder().layerMapsAtOriginalSize(true).methods(CamMethod.SCORECAM).scoreCam(new ExplainOptions.ScoreCamSettings(0, 5)).build();
		final List<int[]> reports = new ArrayList<>();
		bundle.explainer().explain(images, options, new ExplainMonitor() {

			@Override
			public void progress(final int done, final int total, final String what) {
				if (what.startsWith("score-cam")) reports.add(new int[] {done, total});
			}

			@Override
			public boolean cancelled() {
				return false;
			}
		});
		// 24 channels + baseline = 25 masked images in batches of 5
		assertEquals(5, reports.size());
		for (int i = 0; i < 5; i++) assertArrayEquals(new int[] {5 * (i + 1), 25}, reports.get(i));

		final int[] polls = new int[1];
		final CancelledException e = assertThrows(CancelledException.class, () -> bundle
			.explainer().explain(images, options, new ExplainMonitor() {

				@Override
				public void progress(final int done, final int total, final String what) {
					// not needed
				}

				@Override
				public boolean cancelled() {
					return ++polls[0] > 3;
				}
			}));
		assertTrue(e.getMessage().contains("cancelled") && e.getMessage().contains("Score-CAM"), e.getMessage());
		assertEquals(4, polls[0], "the engine stops at the first poll that says cancelled");
		// The engine is usable afterwards (the gradient lock was released).
		assertEquals(1, bundle.explainer().explain(images, ExplainOptions.builder().layerMapsAtOriginalSize(true).build()).images().size());
	}

	/** All maps of one method against the reference entries under prefix + key(method) + "_". */
	static void checkMethod(final String prefix, final CamMethod m, final TargetExplanation t) {
		final String p = prefix + key(m) + "_";
		final MethodMaps mm = t.methodMaps(m);
		assertEquals(m, mm.method());
		final NpyArray in = ref.get(p + "layers_input");
		final NpyArray orig = ref.get(p + "layers_original");
		final int layers = (int) in.shape()[0];
		assertEquals(layers, mm.layers().size(), p + "layer count");
		assertEquals(layers, mm.rawLayerMaps().size(), p + "raw maps");
		for (int l = 0; l < layers; l++) {
			final NpyArray raw = ref.get(p + "raw" + l);
			if (isZero(raw)) {
				// ReLU cut everything in the reference: the Java map must be (numerically) zero as well.
				assertTrue(mm.rawLayerMaps().get(l).max() <= 1e-12f, p + "raw layer " + l + " is zero");
			}
			else {
				assertRelClose(raw, mm.rawLayerMaps().get(l), RAW_RELATIVE, p + "raw layer " + l);
			}
			assertClose(in, l * (int) (in.shape()[1] * in.shape()[2]), mm.layerMapsAtInput().get(l), NORMALISED,
				p + "layer " + l + " at input");
			assertClose(orig, l * (int) (orig.shape()[1] * orig.shape()[2]), mm.layerMapsAtOriginal().get(l),
				NORMALISED, p + "layer " + l + " at original size");
		}
		assertClose(ref.get(p + "input"), 0, mm.atInput(), NORMALISED, p + "at input");
		assertClose(ref.get(p + "original"), 0, mm.atOriginal(), NORMALISED, p + "at original size");
		assertSame(mm.atOriginal(), t.map(m), p + "map() is the map at the original size");
	}

	private static boolean isZero(final NpyArray a) {
		for (final float v : a.data()) {
			if (v != 0f) return false;
		}
		return true;
	}
}
