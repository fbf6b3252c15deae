package io.github.zoomcam.pipeline;

import ij.process.AutoThresholder;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.MethodMaps;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.labels.RefineOptions;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The refine settings (parsing, defaults, the settings hash) and the guide image, on hand-made values. */
class RefineSettingsTest {

	private static final BundleManifest MANIFEST = ModelBundle.readManifest(Fixtures.BUNDLE);

	private static ExplainSettings parse(final Map<String, String> text) {
		return ExplainSettings.parse(MANIFEST, text);
	}

	@Test
	void theDefaultIsTheImageGuidedRefinementWithRefineOptionsDefaults() {
		final ExplainSettings s = parse(Map.of());
		assertEquals(RefineOptions.defaults(), s.annotation().refine());
		assertEquals("image", ExplainSettings.DEFAULTS.get(ExplainSettings.REFINE));
		assertEquals(RefineOptions.defaults().thresholdMethod().name(), ExplainSettings.DEFAULTS.get(
			ExplainSettings.REFINE_THRESHOLDING));
		assertTrue(s.toJson(MANIFEST).get("refine").getAsString().startsWith("image method="));
	}

	@Test
	void eachKeyReachesItsOptionInCliAndFijiSpelling() {
		final RefineOptions r = parse(Map.of("refine-thresholding", "otsu", "refine_sigma", "1.5", "refine-background",
			"30", "refine_polarity", "dark", "refine-watershed", "false", "refine_min_evidence", "0.2",
			"refine-noise-floor", "3", "refine_min_size", "9")).annotation().refine();
		assertEquals(RefineOptions.Mode.IMAGE, r.mode());
		assertEquals(AutoThresholder.Method.Otsu, r.thresholdMethod());
		assertEquals(1.5, r.sigma());
		assertEquals(30, r.rollingBallRadius());
		assertEquals(RefineOptions.Polarity.DARK, r.polarity());
		assertEquals(false, r.watershed());
		assertEquals(0.2, r.minEvidence());
		assertEquals(3, r.noiseFloor());
		assertEquals(9, r.minArea());
		// untouched settings keep their defaults
		assertEquals(RefineOptions.defaults().splitEvidence(), r.splitEvidence());
		// the refine key also takes RefineOptions' text form; a separate key wins over it
		final RefineOptions text = parse(Map.of("refine", "image method=Yen sigma=2", "refine-sigma", "3"))
			.annotation().refine();
		assertEquals(AutoThresholder.Method.Yen, text.thresholdMethod());
		assertEquals(3, text.sigma());
	}

	@Test
	void noneIsThePapersProtocolAndIgnoresTheImageGuidedKeys() {
		final ExplainSettings none = parse(Map.of("refine", "none", "threshold", "0.4", "keep", "all"));
		assertTrue(none.annotation().refine().isNone());
		assertEquals("none", none.toJson(MANIFEST).get("refine").getAsString());
		final ExplainSettings ignored = parse(Map.of("refine", "none", "threshold", "0.4", "keep", "all",
			"refine-sigma", "5", "refine-thresholding", "Huang"));
		assertEquals(none.hash("m", MANIFEST), ignored.hash("m", MANIFEST));
	}

	@Test
	void theRefinementIsPartOfTheSettingsHash() {
		final String image = parse(Map.of()).hash("m", MANIFEST);
		assertNotEquals(image, parse(Map.of("refine", "none")).hash("m", MANIFEST));
		assertNotEquals(image, parse(Map.of("refine-sigma", "1.5")).hash("m", MANIFEST));
		assertNotEquals(image, parse(Map.of("refine-thresholding", "Otsu")).hash("m", MANIFEST));
		assertEquals(image, parse(Map.of("refine-thresholding", RefineOptions.defaults().thresholdMethod().name()))
			.hash("m", MANIFEST), "the default spelled out is the default");
	}

	@Test
	void badValuesAndPaperSettingsWithoutNoneFailWithOneLine() {
		for (final Map<String, String> bad : List.of(Map.of("refine", "magic"), Map.of("refine-thresholding", "Brightest"),
			Map.of("refine-sigma", "-1"), Map.of("refine-sigma", "abc"), Map.of("refine-polarity", "up"), Map.of(
				"refine-watershed", "maybe"), Map.of("refine-min-size", "0"), Map.of("refine-thresholding", "Otsu sigma=3"),
			Map.of("threshold", "0.4"), Map.of("keep", "all"), Map.of("min-area", "5"), Map.of("background", "0.2")))
		{
			final ZoomCamException e = assertThrows(ZoomCamException.class, () -> parse(bad), bad.toString());
			assertTrue(!e.getMessage().contains("\n"), e.getMessage());
		}
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> parse(Map.of("threshold", "0.4")));
		assertTrue(e.getMessage().contains("applies to refine=none"), e.getMessage());
		// the defaults the Fiji dialog always sends are accepted with the image-guided refinement
		parse(Map.of("threshold", "default", "keep", "largest", "min-area", "1"));
	}

	@Test
	void theGuideIsThePlaneTheLuminanceOfRgbOrTheChannelMean() {
		final ImageInput grey = new ImageInput("g", 2, 1, 16, new float[][] { {100, 2000} });
		assertArrayEquals(new float[] {100, 2000}, PseudoLabelOutputs.guide(grey, false));
		// ITU-R BT.601 weights: 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 59.8 + 58.7 + 5.7 = 124.2
		final ImageInput rgb = new ImageInput("c", 2, 1, 8, new float[][] { {200, 0}, {100, 0}, {50, 255} });
		assertArrayEquals(new float[] {124.2f, 29.07f}, PseudoLabelOutputs.guide(rgb, true), 1e-4f);
		// three channels of a hyperstack are not colours: their mean
		assertArrayEquals(new float[] {350 / 3f, 85}, PseudoLabelOutputs.guide(rgb, false), 1e-4f);
	}

	@Test
	void tiledImagesStitchTheEvidenceOnlyWhereTheGeneralPathRefines() {
		final long mid = 2048L * 2048; // above layer-maps=auto's original-size limit, below the lean path's
		assertEquals(CamMethod.ZOOMCAM, parse(Map.of()).tiledEvidence(mid, false));
		assertEquals(1, parse(Map.of()).fullSizeOutputs(MANIFEST, mid, 2, false).evidenceMaps());
		assertEquals(CamMethod.LAYERCAM, parse(Map.of("method", "layercam,gradcam")).tiledEvidence(mid, false));
		// the paper's protocol reads the fused map; a single-layer method has no layers to average
		assertNull(parse(Map.of("refine", "none")).tiledEvidence(mid, false));
		assertEquals(0, parse(Map.of("refine", "none")).fullSizeOutputs(MANIFEST, mid, 2, false).evidenceMaps());
		assertNull(parse(Map.of("method", "gradcam")).tiledEvidence(mid, false));
		assertNull(parse(Map.of("pseudo-labels", "false")).tiledEvidence(mid, false));
		// above 4096x4096 result folders take the lean path (paper protocol); Fiji's windows keep the general one
		assertNull(parse(Map.of()).tiledEvidence(LeanPseudoLabels.MIN_PIXELS + 1, false));
		assertEquals(CamMethod.ZOOMCAM, parse(Map.of()).tiledEvidence(LeanPseudoLabels.MIN_PIXELS + 1, true));
		// layer maps kept at full size already give the mean
		assertNull(parse(Map.of()).tiledEvidence(512L * 512, false));
		assertNull(parse(Map.of("layer-maps", "original")).tiledEvidence(mid, false));
	}

	@Test
	void aStitchedEvidenceMapIsTheEvidence() {
		final FloatMap fused = FloatMap.wrap(2, 1, new float[] {1, 0.5f});
		final FloatMap mean = FloatMap.wrap(2, 1, new float[] {0.25f, 0.75f});
		final MethodMaps maps = new MethodMaps(CamMethod.ZOOMCAM, List.of("a", "b"), List.of(), List.of(), List.of(),
			null, fused, mean);
		assertArrayEquals(new float[] {0.25f, 0.75f}, PseudoLabelOutputs.evidence(maps, 2, 1));
		// without it (and without layer maps) there is none: the fused map stands in
		assertNull(PseudoLabelOutputs.evidence(new MethodMaps(CamMethod.ZOOMCAM, List.of("a", "b"), List.of(), List
			.of(), List.of(), null, fused), 2, 1));
	}

	@Test
	void evidenceUpsamplingUsesHalfPixelCentres() {
		// 2 -> 4 pixels, align_corners=False: output x samples input at (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75,
		// 1.25, clamped to [0, 1]: 0, 0.25, 0.75, 1 of the way from 10 to 20
		assertArrayEquals(new float[] {10, 12.5f, 17.5f, 20}, PseudoLabelOutputs.resize(new float[] {10, 20}, 2, 1, 4,
			1), 1e-6f);
		// the same size is a copy
		assertArrayEquals(new float[] {1, 2, 3, 4}, PseudoLabelOutputs.resize(new float[] {1, 2, 3, 4}, 2, 2, 2, 2));
	}
}
