package io.github.zoomcam.pipeline.tiling;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.core.CancelledException;
import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.MethodMaps;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.Prediction;
import io.github.zoomcam.engine.TargetSpec;
import io.github.zoomcam.labels.ClassMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiled explanations with the tiny fixture bundle (48x48 RGB input) against the engine's own answers. */
class TiledExplainerTest {

	static ModelBundle bundle;

	@TempDir
	Path tmp;

	@BeforeAll
	static void load() {
		bundle = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {});
	}

	@AfterAll
	static void close() {
		bundle.close();
	}

	/** A random RGB image; {@code repeatEvery} > 0 repeats its columns with that period. */
	private static ImagePlus image(final int w, final int h, final long seed, final int repeatEvery) {
		final Random random = new Random(seed);
		final int[] rgb = new int[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				rgb[y * w + x] = repeatEvery > 0 && x >= repeatEvery ? rgb[y * w + x - repeatEvery] : random.nextInt(1 << 24);
			}
		}
		return new ImagePlus("random", new ColorProcessor(w, h, rgb));
	}

	private static TileGrid grid(final int w, final int h, final int overlap) {
		return new TileGrid(TileAxis.of(w, 48, overlap), TileAxis.of(h, 48, overlap), 1);
	}

	private static final ExplainMonitor NONE = ExplainMonitor.NONE;

	private static void assertMapsClose(final FloatMap expected, final FloatMap actual, final double tolerance,
		final String what)
	{
		assertEquals(expected.width(), actual.width(), what);
		assertEquals(expected.height(), actual.height(), what);
		final float[] e = expected.toArray();
		final float[] a = actual.toArray();
		for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], tolerance, what + " pixel " + i);
	}

	@Test
	void oneTileCoveringTheImageGivesTheWholeImageExplanation() {
		// With one tile, bounds over all tiles are the tile's own: every map must equal explain's.
		final ImagePlus image = image(48, 48, 1, 0);
		final ExplainOptions options = ExplainOptions.builder().methods(CamMethod.ZOOMCAM, CamMethod.GRADCAM,
			CamMethod.LAYERCAM).targets(TargetSpec.parse("top2")).layerMapsAtOriginalSize(true).build();
		final ImageExplanation whole = bundle.explainer().explain(List.of(TileSource.of(image, "r", 1, 1).tile(grid(48,
			48, 0).tile(0))), options).images().get(0);
		final ImageExplanation tiled = new TiledExplainer(bundle.explainer(), 4).explain(TileSource.of(image, "r", 1, 1),
			grid(48, 48, 0), options, true, k -> {}, NONE).images().get(0);
		assertArrayEquals(whole.probabilities(), tiled.probabilities(), 1e-6f);
		assertEquals(2, tiled.targets().size());
		for (int k = 0; k < 2; k++) {
			assertEquals(whole.targets().get(k).classIndex(), tiled.targets().get(k).classIndex());
			for (final CamMethod m : options.methods()) {
				final MethodMaps w = whole.targets().get(k).methodMaps(m);
				final MethodMaps t = tiled.targets().get(k).methodMaps(m);
				assertMapsClose(w.atOriginal(), t.atOriginal(), 1e-5, m.id() + " target " + k);
				assertEquals(w.layers(), t.layers());
				assertEquals(w.layerMapsAtOriginal().size(), t.layerMapsAtOriginal().size(), m.id() + " layers");
				for (int l = 0; l < w.layerMapsAtOriginal().size(); l++) {
					assertMapsClose(w.layerMapsAtOriginal().get(l), t.layerMapsAtOriginal().get(l), 1e-5, m.id() + " layer " +
						l);
				}
			}
		}
	}

	@Test
	void theStitchedEvidenceIsTheMeanOfTheLayerMaps() {
		// One tile covering the image: the evidence must be the mean of explain's own layer maps at the original
		// size. Several overlapping tiles: the mean of the stitched layer maps (blending is linear).
		final ExplainOptions options = ExplainOptions.builder().methods(CamMethod.ZOOMCAM, CamMethod.LAYERCAM)
			.targets(TargetSpec.parse("top2")).layerMapsAtOriginalSize(true).build();
		final ImagePlus image = image(48, 48, 3, 0);
		final ImageExplanation whole = bundle.explainer().explain(List.of(TileSource.of(image, "e", 1, 1).tile(grid(48,
			48, 0).tile(0))), options).images().get(0);
		final ImageExplanation one = new TiledExplainer(bundle.explainer(), 4).explain(TileSource.of(image, "e", 1, 1),
			grid(48, 48, 0), options, false, CamMethod.ZOOMCAM, k -> {}, NONE).images().get(0);
		final ImagePlus large = image(100, 70, 4, 0);
		final ImageExplanation layers = new TiledExplainer(bundle.explainer(), 3).explain(TileSource.of(large, "l", 1,
			1), grid(100, 70, 12), options, true, k -> {}, NONE).images().get(0);
		final ImageExplanation tiled = new TiledExplainer(bundle.explainer(), 3).explain(TileSource.of(large, "l", 1, 1),
			grid(100, 70, 12), options, false, CamMethod.ZOOMCAM, k -> {}, NONE).images().get(0);
		for (int k = 0; k < 2; k++) {
			final MethodMaps w = whole.targets().get(k).methodMaps(CamMethod.ZOOMCAM);
			final MethodMaps o = one.targets().get(k).methodMaps(CamMethod.ZOOMCAM);
			assertTrue(w.layerMapsAtOriginal().size() > 1, "the fixture fuses several layers");
			assertTrue(o.layerMapsAtOriginal().isEmpty(), "the layer maps themselves are not kept");
			assertMapsClose(FloatMap.wrap(48, 48, ClassMap.meanOfLayers(w.layerMapsAtOriginal().stream().map(
				FloatMap::toArray).toList())), o.evidenceAtOriginal(), 1e-5, "one tile, target " + k);
			assertEquals(null, one.targets().get(k).methodMaps(CamMethod.LAYERCAM).evidenceAtOriginal(),
				"only the method asked for");
			final MethodMaps l = layers.targets().get(k).methodMaps(CamMethod.ZOOMCAM);
			assertEquals(null, l.evidenceAtOriginal(), "not asked for");
			assertMapsClose(FloatMap.wrap(100, 70, ClassMap.meanOfLayers(l.layerMapsAtOriginal().stream().map(
				FloatMap::toArray).toList())), tiled.targets().get(k).methodMaps(CamMethod.ZOOMCAM).evidenceAtOriginal(),
				1e-5, "overlapping tiles, target " + k);
			// The evidence is not the fused (max) map: the test tells the fallback apart.
			final float[] fused = tiled.targets().get(k).map(CamMethod.ZOOMCAM).toArray();
			final float[] mean = tiled.targets().get(k).methodMaps(CamMethod.ZOOMCAM).evidenceAtOriginal().toArray();
			double diff = 0;
			for (int i = 0; i < fused.length; i++) diff = Math.max(diff, Math.abs(fused[i] - mean[i]));
			assertTrue(diff > 1e-3, "evidence equals the fused map");
		}
	}

	@Test
	void twoIdenticalTilesGiveTheOneTileMapTwice() {
		final ImagePlus single = image(48, 48, 2, 0);
		final ImagePlus twice = image(96, 48, 2, 48);
		final ExplainOptions options = ExplainOptions.builder().methods(CamMethod.ZOOMCAM).targets(TargetSpec.parse(
			"ring")).build();
		final FloatMap one = new TiledExplainer(bundle.explainer(), 4).explain(TileSource.of(single, "s", 1, 1), grid(48,
			48, 0), options, false, k -> {}, NONE).images().get(0).targets().get(0).map(CamMethod.ZOOMCAM);
		final FloatMap two = new TiledExplainer(bundle.explainer(), 4).explain(TileSource.of(twice, "t", 1, 1), grid(96,
			48, 0), options, false, k -> {}, NONE).images().get(0).targets().get(0).map(CamMethod.ZOOMCAM);
		assertEquals(96, two.width());
		for (int y = 0; y < 48; y++) {
			for (int x = 0; x < 48; x++) {
				assertEquals(one.get(x, y), two.get(x, y), 1e-5, "left " + x + "," + y);
				assertEquals(one.get(x, y), two.get(x + 48, y), 1e-5, "right " + x + "," + y);
			}
		}
	}

	@Test
	void aClassIsAsProbableAsInItsMostProbableTileAndTheTargetsFollow() {
		final ImagePlus image = image(130, 70, 3, 0);
		final TileGrid grid = grid(130, 70, 12);
		final TileSource source = TileSource.of(image, "p", 1, 1);
		final List<ImageInput> tiles = grid.tiles().stream().map(source::tile).toList();
		final float[] expected = new float[5];
		java.util.Arrays.fill(expected, Float.NEGATIVE_INFINITY);
		for (final Prediction p : bundle.explainer().predict(tiles)) {
			for (int c = 0; c < 5; c++) expected[c] = Math.max(expected[c], p.probabilities()[c]);
		}
		final ImageExplanation tiled = new TiledExplainer(bundle.explainer(), 3).explain(source, grid, ExplainOptions
			.builder().targets(TargetSpec.parse("top1")).build(), false, k -> assertEquals(1, k), NONE).images().get(0);
		assertArrayEquals(expected, tiled.probabilities(), 1e-6f);
		int best = 0;
		for (int c = 1; c < 5; c++) if (expected[c] > expected[best]) best = c;
		assertEquals(best, tiled.targets().get(0).classIndex());
		assertEquals(expected[best], tiled.targets().get(0).probability(), 1e-6f);
		final FloatMap map = tiled.targets().get(0).map(CamMethod.ZOOMCAM);
		assertEquals(130, map.width());
		assertEquals(70, map.height());
		assertTrue(map.min() >= 0 && map.max() <= 1 + 1e-6, map.min() + ".." + map.max());
	}

	@Test
	void rawMapsOnDiskGiveTheSameMapsAsInMemory() {
		final ImagePlus image = image(100, 60, 4, 0);
		final TileGrid grid = grid(100, 60, 16);
		final ExplainOptions options = ExplainOptions.builder().methods(CamMethod.ZOOMCAM).build();
		final FloatMap memory = new TiledExplainer(bundle.explainer(), 2, tmp, Long.MAX_VALUE).explain(TileSource.of(
			image, "m", 1, 1), grid, options, false, k -> {}, NONE).images().get(0).targets().get(0).map(CamMethod.ZOOMCAM);
		final FloatMap disk = new TiledExplainer(bundle.explainer(), 2, tmp, 0).explain(TileSource.of(image, "m", 1, 1),
			grid, options, false, k -> {}, NONE).images().get(0).targets().get(0).map(CamMethod.ZOOMCAM);
		assertArrayEquals(memory.toArray(), disk.toArray());
	}

	@Test
	void cancellingStopsBetweenBatchesAndRemovesTheTemporaryFile() throws IOException {
		final ImagePlus image = image(150, 100, 5, 0);
		final int[] reports = new int[1];
		final ExplainMonitor cancelAfterFirst = new ExplainMonitor() {

			@Override
			public void progress(final int done, final int total, final String what) {
				reports[0]++;
			}

			@Override
			public boolean cancelled() {
				return reports[0] >= 3;
			}
		};
		final TiledExplainer explainer = new TiledExplainer(bundle.explainer(), 2, tmp, 0);
		final CancelledException e = assertThrows(CancelledException.class, () -> explainer.explain(TileSource.of(image,
			"c", 1, 1), grid(150, 100, 12), ExplainOptions.defaults(), false, k -> {}, cancelAfterFirst));
		assertTrue(e.getMessage().contains("tiles"), e.getMessage());
		try (Stream<Path> left = Files.list(tmp)) {
			assertEquals(List.of(), left.toList(), "the raw maps' file is removed");
		}
	}

	@Test
	void theMemoryCheckSeesTheNumberOfClassesBeforeAnyTileIsExplained() {
		final ImagePlus image = image(100, 60, 6, 0);
		final int[] explainedBefore = { -1 };
		final int[] progress = new int[1];
		final ExplainMonitor count = new ExplainMonitor() {

			@Override
			public void progress(final int done, final int total, final String what) {
				if (what.equals("explaining tiles")) progress[0] = done;
			}

			@Override
			public boolean cancelled() {
				return false;
			}
		};
		final RuntimeException refused = assertThrows(RuntimeException.class, () -> new TiledExplainer(bundle
			.explainer(), 2).explain(TileSource.of(image, "m", 1, 1), grid(100, 60, 8), ExplainOptions.builder().targets(
				TargetSpec.parse("top3")).build(), false, k -> {
					explainedBefore[0] = progress[0];
					throw new IllegalStateException("refused for " + k);
				}, count));
		assertEquals("refused for 3", refused.getMessage());
		assertEquals(0, explainedBefore[0], "no tile was explained before the check");
	}
}
