package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer methods' arithmetic on hand-made activations and gradients (every expectation worked out by
 * hand), method names and option checks.
 */
class PeerMethodsMathTest {

	@Test
	void gradCamPlusPlusUsesTheClosedFormAlpha() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// One channel, 1x2: A = [1, 3] (sum 4), g = [1, -1].
			// pixel 0: alpha = 1 / (2 + 4 * 1) = 1/6, ReLU(g) = 1; pixel 1: alpha = 1 / (2 - 4) = -1/2, ReLU(g) = 0
			// w = 1/6; map = ReLU(w * A) = [1/6, 1/2]
			final NDArray a = m.create(new float[] {1, 3}, new Shape(1, 1, 1, 2));
			final NDArray g = m.create(new float[] {1, -1}, new Shape(1, 1, 1, 2));
			assertArrayEquals(new float[] {1f / 6, 0.5f}, CamMath.gradCamPlusPlus(a, g).toFloatArray(), 1e-7f);
			// A = [1, 1] (sum 2), g = [-1, 0.5]: pixel 0 denominator 2*1 + 2*(-1) = 0 -> alpha 0 (not NaN);
			// pixel 1: 0.25 / (0.5 + 2 * 0.125) = 1/3, ReLU(g) = 0.5 -> w = 1/6; map = [1/6, 1/6]
			final NDArray a2 = m.create(new float[] {1, 1}, new Shape(1, 1, 1, 2));
			final NDArray g2 = m.create(new float[] {-1, 0.5f}, new Shape(1, 1, 1, 2));
			assertArrayEquals(new float[] {1f / 6, 1f / 6}, CamMath.gradCamPlusPlus(a2, g2).toFloatArray(), 1e-7f);
			// gradients untouched
			assertArrayEquals(new float[] {-1, 0.5f}, g2.toFloatArray(), 0f);
		}
	}

	@Test
	void xGradCamWeighsGradientsByNormalisedActivations() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// c0: A = [1, 3] (sum 4), g = [2, 1] -> w0 = (2 + 3) / 4 = 1.25; c1: A = [0, 0] -> w1 = 0 (not NaN)
			// map = 1.25 * [1, 3] = [1.25, 3.75]
			final NDArray a = m.create(new float[] {1, 3, 0, 0}, new Shape(1, 2, 1, 2));
			final NDArray g = m.create(new float[] {2, 1, 5, 5}, new Shape(1, 2, 1, 2));
			assertArrayEquals(new float[] {1.25f, 3.75f}, CamMath.xGradCam(a, g).toFloatArray(), 1e-6f);
		}
	}

	@Test
	void layerCamKeepsOnlyPositiveGradientsWhileHiResCamIsZoomCam() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// A: c0 = [1, -2], c1 = [3, 4]; g: c0 = [1, -1], c1 = [0.5, 2]
			// Layer-CAM: pixel 0: 1*1 + 0.5*3 = 2.5; pixel 1: 0*(-2) + 2*4 = 8
			// HiResCAM / Zoom-CAM: pixel 0: 2.5; pixel 1: (-1)(-2) + 2*4 = 10
			final NDArray a = m.create(new float[] {1, -2, 3, 4}, new Shape(1, 2, 1, 2));
			final NDArray g = m.create(new float[] {1, -1, 0.5f, 2}, new Shape(1, 2, 1, 2));
			assertArrayEquals(new float[] {2.5f, 8f}, CamMath.layerCam(a, g).toFloatArray(), 1e-6f);
			assertArrayEquals(new float[] {2.5f, 10f}, CamMath.elementwiseCam(a, g, false).toFloatArray(), 1e-6f);
			assertArrayEquals(new float[] {1, -1, 0.5f, 2}, g.toFloatArray(), 0f, "gradient not consumed");
		}
	}

	@Test
	void scoreCamChannelLimitTakesTheChannelsOfLargestVariance() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// image 0: c0 = [0, 0] (var 0), c1 = [0, 4] (var 4), c2 = [1, 2] (var 0.25) -> top 2: c1, c2
			// image 1: c0 = [5, 1] (var 4), c1 = [2, 2] (var 0), c2 = [0, 6] (var 9) -> top 2: c2, c0
			final NDArray a = m.create(new float[] {0, 0, 0, 4, 1, 2, 5, 1, 2, 2, 0, 6}, new Shape(2, 3, 1, 2));
			final NDArray top = CamMath.topVarianceChannels(a, 2);
			assertEquals(new Shape(2, 2, 1, 2), top.getShape());
			assertArrayEquals(new float[] {0, 4, 1, 2, 0, 6, 5, 1}, top.toFloatArray(), 0f);
			assertSame(a, CamMath.topVarianceChannels(a, 0), "0 means all channels");
			assertSame(a, CamMath.topVarianceChannels(a, 3));
			assertSame(a, CamMath.topVarianceChannels(a, 64));
		}
	}

	@Test
	void scoreCamMasksAreUpsampledThenNormalisedAndConstantMapsAreFlagged() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			// [0, 4] -> 4 pixels (half-pixel centres): [0, 1, 3, 4] -> / 4 = [0, 0.25, 0.75, 1]; [3, 3] -> zeros
			final NDArray maps = m.create(new float[] {0, 4, 3, 3}, new Shape(2, 1, 2));
			final NDList masks = CamMath.scoreCamMasks(maps, 1, 4);
			assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1, 0, 0, 0, 0}, masks.get(0).toFloatArray(), 1e-7f);
			assertArrayEquals(new float[] {1, 0}, masks.get(1).toFloatArray(), 0f);
		}
	}

	@Test
	void weightedSumIsReluOfTheChannelCombination() {
		try (NDManager m = NDManager.newBaseManager("PyTorch")) {
			final NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 1, 2));
			final NDArray w = m.create(new float[] {1, -1}, new Shape(1, 2));
			// [1 - 3, 2 - 4] = [-2, -2] -> 0
			assertArrayEquals(new float[] {0, 0}, CamMath.weightedSum(a, w).toFloatArray(), 0f);
			final NDArray w2 = m.create(new float[] {-1, 1}, new Shape(1, 2));
			assertArrayEquals(new float[] {2, 2}, CamMath.weightedSum(a, w2).toFloatArray(), 0f);
		}
	}

	@Test
	void methodNamesParseWithTheUsualSpellings() {
		assertEquals(CamMethod.GRADCAM_PLUS_PLUS, CamMethod.parse("gradcam++"));
		assertEquals(CamMethod.GRADCAM_PLUS_PLUS, CamMethod.parse("gradcampp"));
		assertEquals(CamMethod.GRADCAM_PLUS_PLUS, CamMethod.parse("Grad-CAM++"));
		assertEquals(CamMethod.GRADCAM_PLUS_PLUS, CamMethod.parse("grad_cam_plusplus"));
		assertEquals(CamMethod.LAYERCAM, CamMethod.parse("layercam"));
		assertEquals(CamMethod.LAYERCAM, CamMethod.parse("Layer-CAM"));
		assertEquals(CamMethod.HIRESCAM, CamMethod.parse("HiResCAM"));
		assertEquals(CamMethod.XGRADCAM, CamMethod.parse("XGrad-CAM"));
		assertEquals(CamMethod.SCORECAM, CamMethod.parse(" Score-CAM "));
		assertEquals(CamMethod.ZOOMCAM, CamMethod.parse("Zoom-CAM"));
		assertEquals(CamMethod.GRADCAM, CamMethod.parse("gradcam"));
		for (final CamMethod m : CamMethod.values()) assertEquals(m, CamMethod.parse(m.id()));
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> CamMethod.parse("smoothgrad"));
		assertEquals("unknown method 'smoothgrad'; the methods are: zoomcam, gradcam, gradcam++, hirescam, " +
			"xgradcam, layercam, scorecam", e.getMessage());
		assertFalse(e.getMessage().contains("\n"));
		assertEquals(List.of(CamMethod.LAYERCAM, CamMethod.ZOOMCAM), CamMethod.parseList("layercam, zoomcam,layercam"));
		assertEquals(List.of(CamMethod.values()), CamMethod.parseList("ALL"));
		assertThrows(ZoomCamException.class, () -> CamMethod.parseList(" , "));
	}

	@Test
	void methodPropertiesAndThresholds() {
		assertEquals(0.25, CamMethod.ZOOMCAM.paperThreshold());
		assertEquals(0.15, CamMethod.GRADCAM.paperThreshold());
		for (final CamMethod m : CamMethod.values()) {
			assertEquals(m.multiLayer() ? 0.25 : 0.15, m.paperThreshold(), m.id());
			assertEquals(m != CamMethod.SCORECAM, m.usesGradients(), m.id());
		}
		assertEquals(EnumSet.of(CamMethod.ZOOMCAM, CamMethod.LAYERCAM), EnumSet.copyOf(List.of(CamMethod.values())
			.stream().filter(CamMethod::multiLayer).toList()));
		assertEquals("grad-cam++", CamMethod.GRADCAM_PLUS_PLUS.label());
		assertEquals("zoom-cam", CamMethod.ZOOMCAM.label());
	}

	@Test
	void optionsDefaultToZoomCamAndGradCamAndCheckTheirValues() {
		final ExplainOptions d = ExplainOptions.defaults();
		assertEquals(EnumSet.of(CamMethod.ZOOMCAM, CamMethod.GRADCAM), d.methods());
		assertEquals(64, d.scoreCam().channels());
		assertEquals(32, d.scoreCam().batch());
		assertEquals(TargetSpec.TOP1, d.targets());
		assertEquals(Aggregation.MAX, d.aggregation());
		assertEquals(List.of(), d.layers(), "empty: the bundle's default layers");
		assertFalse(d.layerMapsAtOriginalSize());
		assertEquals(EnumSet.of(CamMethod.SCORECAM), d.toBuilder().methods(CamMethod.SCORECAM).build().methods());
		assertThrows(UnsupportedOperationException.class, () -> d.methods().add(CamMethod.LAYERCAM));
		assertThrows(ZoomCamException.class, () -> ExplainOptions.builder().methods(List.of()));
		assertThrows(ZoomCamException.class, () -> new ExplainOptions.ScoreCamSettings(-1, 1));
		assertThrows(ZoomCamException.class, () -> new ExplainOptions.ScoreCamSettings(0, 0));
		final ExplainOptions changed = d.toBuilder().scoreCam(new ExplainOptions.ScoreCamSettings(0, 1)).build();
		assertTrue(changed.methods().contains(CamMethod.ZOOMCAM), "other fields survive toBuilder");
		assertEquals(EnumSet.of(CamMethod.LAYERCAM), d.toBuilder().methods(CamMethod.LAYERCAM).layers(List.of("a"))
			.build().methods());
	}
}
