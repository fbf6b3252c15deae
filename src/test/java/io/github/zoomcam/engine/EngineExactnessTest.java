package io.github.zoomcam.engine;

import io.github.zoomcam.Fixtures;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.github.zoomcam.Fixtures.assertClose;
import static io.github.zoomcam.Fixtures.assertRelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java engine against the independent PyTorch reference (tools/reference_cam.py, outputs committed
 * by tools/make_fixtures.py): 1e-5 absolute on normalised maps, 1e-4 relative on raw maps.
 */
class EngineExactnessTest {

	static final double NORMALISED = 1e-5;
	static final double RAW_RELATIVE = 1e-4;

	static ModelBundle bundle;

	@BeforeAll
	static void load() {
		bundle = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {});
	}

	@AfterAll
	static void close() {
		bundle.close();
	}

	@Test
	void selfTestPassesOnTheFixtureBundle() {
		assertTrue(bundle.selfTest().performed());
		assertTrue(bundle.selfTest().passed(), bundle.selfTest().toString());
		assertEquals("cpu()", bundle.runtime().device());
	}

	@Test
	void singleImageTopOneMatchesReference() throws IOException {
		final Map<String, NpyArray> ref = Fixtures.expected("single_top1");
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().layerMapsAtOriginalSize(true).build());
		final ImageExplanation image = result.images().get(0);
		assertLogits(ref.get("logits"), image.logits());
		assertEquals(1, image.targets().size());
		checkTarget(ref, "t0_", image.targets().get(0));
	}

	@Test
	void meanAggregationMatchesReference() throws IOException {
		final Map<String, NpyArray> ref = Fixtures.expected("single_top1");
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().layerMapsAtOriginalSize(true).aggregation(Aggregation.MEAN).build());
		final TargetExplanation t = result.images().get(0).targets().get(0);
		assertClose(ref.get("mean_t0_zoomcam_input"), 0, t.methodMaps(CamMethod.ZOOMCAM).atInput(), NORMALISED, "mean fused at input");
		assertClose(ref.get("mean_t0_zoomcam_original"), 0, t.methodMaps(CamMethod.ZOOMCAM).atOriginal(), NORMALISED,
			"mean fused at original");
	}

	@Test
	void severalClassesShareOneForwardAndMatchReference() throws IOException {
		final Map<String, NpyArray> ref = Fixtures.expected("several_classes");
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().layerMapsAtOriginalSize(true).targets(TargetSpec.parse("nucleus, ring, debris")).build());
		final ImageExplanation image = result.images().get(0);
		assertEquals(3, image.targets().size());
		for (int k = 0; k < 3; k++) {
			final TargetExplanation t = image.targets().get(k);
			assertEquals((int) ref.get("targets").data()[k], t.classIndex());
			checkTarget(ref, "t" + k + "_", t);
		}
	}

	@Test
	void batchOfTwoImagesWithTopTwoMatchesReference() throws IOException {
		final Map<String, NpyArray> ref = Fixtures.expected("batch_top2");
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE),
			Fixtures.read(Fixtures.GREY16_IMAGE)), ExplainOptions.builder().layerMapsAtOriginalSize(true).targets(new TargetSpec.TopK(2)).build());
		assertEquals(2, result.images().size());
		for (int i = 0; i < 2; i++) {
			final ImageExplanation image = result.images().get(i);
			final String p = "img" + i + "_";
			assertLogits(ref.get(p + "logits"), image.logits());
			for (int k = 0; k < 2; k++) {
				assertEquals((int) ref.get(p + "targets").data()[k], image.targets().get(k).classIndex());
				checkTarget(ref, p + "t" + k + "_", image.targets().get(k));
			}
		}
		assertTrue(result.images().get(1).warnings().stream().anyMatch(w -> w.contains("replicated")),
			"a grey image given to the RGB model is reported");
	}

	@Test
	void batchesShareOneBackwardPassWhereOneDnnAvoidsAvx512() {
		// The test JVM runs with ONEDNN_MAX_CPU_ISA=AVX2 (pom.xml), as the ./zoomcam launcher does.
		if (ModelBundle.oneDnnLimitedBelowAvx512()) {
			assertTrue(bundle.batchedGradients(), "the load-time check of batched gradients passes with AVX2 kernels");
		}
	}

	@Test
	void oneImagePerBackwardPassGivesTheSameReferenceMaps() throws IOException {
		final Map<String, NpyArray> ref = Fixtures.expected("batch_top2");
		System.setProperty(ModelBundle.BATCHED_GRADIENTS_PROPERTY, "false");
		try (ModelBundle single = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {})) {
			assertFalse(single.batchedGradients());
			final ExplainResult result = single.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE),
				Fixtures.read(Fixtures.GREY16_IMAGE)), ExplainOptions.builder().layerMapsAtOriginalSize(true).targets(
					new TargetSpec.TopK(2)).build());
			for (int i = 0; i < 2; i++) {
				for (int k = 0; k < 2; k++) {
					checkTarget(ref, "img" + i + "_t" + k + "_", result.images().get(i).targets().get(k));
				}
			}
			assertEquals(2, result.timings().forwardPasses(), "one forward pass per image");
		}
		finally {
			System.clearProperty(ModelBundle.BATCHED_GRADIENTS_PROPERTY);
		}
	}

	@Test
	void layerSubsetFusesOnlyTheChosenLayers() throws IOException {
		final Map<String, NpyArray> ref = Fixtures.expected("single_top1");
		final ExplainResult result = bundle.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)),
			ExplainOptions.builder().layerMapsAtOriginalSize(true).layers(List.of("features.9", "features.4")).build());
		final TargetExplanation t = result.images().get(0).targets().get(0);
		assertEquals(List.of("features.4", "features.9"), t.methodMaps(CamMethod.ZOOMCAM).layers(), "layers come back in network order");
		final NpyArray stack = ref.get("t0_layers_input");
		final int hw = 48 * 48;
		final float[] expected = new float[hw];
		for (int i = 0; i < hw; i++) expected[i] = Math.max(stack.data()[hw + i], stack.data()[3 * hw + i]);
		assertClose(new NpyArray(new long[] {48, 48}, expected), 0, t.methodMaps(CamMethod.ZOOMCAM).atInput(), NORMALISED,
			"fusion of features.4 and features.9");
	}

	private static void assertLogits(final NpyArray expected, final float[] actual) {
		assertEquals(expected.data().length, actual.length);
		for (int i = 0; i < actual.length; i++) {
			assertEquals(expected.data()[i], actual[i], 1e-5, "logit " + i);
		}
	}

	static void checkTarget(final Map<String, NpyArray> ref, final String p, final TargetExplanation t) {
		assertEquals(ref.get(p + "score").data()[0], t.score(), 1e-5, p + "score");
		final int layers = t.methodMaps(CamMethod.ZOOMCAM).layers().size();
		assertEquals(5, layers);
		for (int l = 0; l < layers; l++) {
			assertRelClose(ref.get(p + "raw" + l), t.methodMaps(CamMethod.ZOOMCAM).rawLayerMaps().get(l), RAW_RELATIVE, p + "raw layer " + l);
			final NpyArray in = ref.get(p + "layers_input");
			assertClose(in, l * (int) (in.shape()[1] * in.shape()[2]), t.methodMaps(CamMethod.ZOOMCAM).layerMapsAtInput().get(l), NORMALISED,
				p + "layer " + l + " at input");
			final NpyArray orig = ref.get(p + "layers_original");
			assertClose(orig, l * (int) (orig.shape()[1] * orig.shape()[2]), t.methodMaps(CamMethod.ZOOMCAM).layerMapsAtOriginal().get(l),
				NORMALISED, p + "layer " + l + " at original size");
		}
		assertClose(ref.get(p + "zoomcam_input"), 0, t.methodMaps(CamMethod.ZOOMCAM).atInput(), NORMALISED, p + "zoom-cam at input");
		assertClose(ref.get(p + "zoomcam_original"), 0, t.methodMaps(CamMethod.ZOOMCAM).atOriginal(), NORMALISED,
			p + "zoom-cam at original size");
		assertRelClose(ref.get(p + "gradcam_raw"), t.methodMaps(CamMethod.GRADCAM).rawLayerMaps().get(0), RAW_RELATIVE, p + "grad-cam raw");
		assertClose(ref.get(p + "gradcam_input"), 0, t.methodMaps(CamMethod.GRADCAM).atInput(), NORMALISED, p + "grad-cam at input");
		assertClose(ref.get(p + "gradcam_original"), 0, t.methodMaps(CamMethod.GRADCAM).atOriginal(), NORMALISED,
			p + "grad-cam at original size");
	}
}
