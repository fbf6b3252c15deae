package io.github.zoomcam.engine;

import io.github.zoomcam.Fixtures;
import io.github.zoomcam.core.FloatMap;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Normalising raw maps with bounds shared by several maps (the tiles of one image), then upsampling and
 * fusing them, on hand-made maps.
 */
class FuseRawMapsTest {

	static ModelBundle bundle;

	@BeforeAll
	static void load() {
		bundle = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {});
	}

	@AfterAll
	static void close() {
		bundle.close();
	}

	private static FloatMap map(final int w, final int h, final float... v) {
		return FloatMap.of(w, h, v);
	}

	@Test
	void sharedBoundsKeepTheTilesComparable() {
		// tile A reaches 4, tile B only 1: with the bounds [0, 4] of both, B stays at a quarter of A's scale
		final List<FusedMaps> fused = bundle.explainer().fuseRawMaps(List.of(List.of(map(2, 2, 0, 1, 2, 4)), List.of(map(
			2, 2, 0, 0, 1, 1))), new float[] { 0 }, new float[] { 4 }, Aggregation.MAX, 2, 2, false);
		assertArrayEquals(new float[] { 0, 0.25f, 0.5f, 1 }, fused.get(0).fused().toArray(), 1e-6f);
		// per-tile min-max would have made B's map 0, 0, 1, 1: as strong as A's
		assertArrayEquals(new float[] { 0, 0, 0.25f, 0.25f }, fused.get(1).fused().toArray(), 1e-6f);
	}

	@Test
	void layersAreNormalisedUpsampledAndFused() {
		// layer 0 at 2x2, layer 1 at 1x1 (upsampled: 2 -> (2 - 0) / 4 = 0.5 everywhere)
		final List<List<FloatMap>> raw = List.of(List.of(map(2, 2, 0, 1, 2, 4), map(1, 1, 2)));
		final float[] low = { 0, 0 };
		final float[] high = { 4, 4 };
		final FusedMaps max = bundle.explainer().fuseRawMaps(raw, low, high, Aggregation.MAX, 2, 2, true).get(0);
		assertArrayEquals(new float[] { 0.5f, 0.5f, 0.5f, 1 }, max.fused().toArray(), 1e-6f);
		assertEquals(2, max.layers().size());
		assertArrayEquals(new float[] { 0.5f, 0.5f, 0.5f, 0.5f }, max.layers().get(1).toArray(), 1e-6f);
		final FusedMaps mean = bundle.explainer().fuseRawMaps(raw, low, high, Aggregation.MEAN, 2, 2, false).get(0);
		assertArrayEquals(new float[] { 0.25f, 0.375f, 0.5f, 0.75f }, mean.fused().toArray(), 1e-6f);
		assertEquals(List.of(), mean.layers());
	}

	@Test
	void upsamplingIsBilinearWithHalfPixelCentres() {
		// 1 x 2 -> 1 x 4, align_corners=False: 0, 0.25, 0.75, 1
		final FusedMaps up = bundle.explainer().fuseRawMaps(List.of(List.of(map(2, 1, 3, 5))), new float[] { 3 },
			new float[] { 5 }, Aggregation.MAX, 4, 1, false).get(0);
		assertArrayEquals(new float[] { 0, 0.25f, 0.75f, 1 }, up.fused().toArray(), 1e-6f);
	}

	@Test
	void emptyBoundsGiveAZeroMapAsAConstantMapDoes() {
		final FusedMaps zero = bundle.explainer().fuseRawMaps(List.of(List.of(map(2, 1, 0, 0))), new float[] { 0 },
			new float[] { 0 }, Aggregation.MAX, 2, 1, false).get(0);
		assertArrayEquals(new float[] { 0, 0 }, zero.fused().toArray());
	}

	@Test
	void rawMapsOnlyGivesTheRawMapsOfAFullExplanation() {
		final ImageInput image = Fixtures.read(Fixtures.RGB_IMAGE);
		final ExplainOptions full = ExplainOptions.builder().build();
		final MethodMaps all = bundle.explainer().explain(List.of(image), full).images().get(0).targets().get(0)
			.methodMaps(CamMethod.ZOOMCAM);
		final MethodMaps raw = bundle.explainer().explain(List.of(image), full.toBuilder().rawMapsOnly(true).build())
			.images().get(0).targets().get(0).methodMaps(CamMethod.ZOOMCAM);
		assertEquals(all.rawLayerMaps().size(), raw.rawLayerMaps().size());
		for (int l = 0; l < all.rawLayerMaps().size(); l++) {
			assertArrayEquals(all.rawLayerMaps().get(l).toArray(), raw.rawLayerMaps().get(l).toArray(), "layer " + l);
		}
		assertNull(raw.atOriginal());
		assertNull(raw.atInput());
		assertEquals(List.of(), raw.layerMapsAtInput());
	}
}
