package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.MethodMaps;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.Component;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.labels.Keep;
import io.github.zoomcam.labels.Threshold;
import io.github.zoomcam.pipeline.PseudoLabelOutputs;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An object that crosses tile borders comes out as one instance: the pseudo-labels are made on the stitched
 * full-size map (through the same hand-off as every result folder), not tile by tile.
 */
class ObjectAcrossTilesTest {

	@Test
	void aDiscOverTwoTilesThatSeeItDifferentlyIsOneInstanceWithItsWholeBox() {
		// 224 x 128: tiles at x = 0 and x = 96 (overlap [96, 128)); a disc of radius 30 at (112, 64) spans
		// x = 82..142, across the right border of the first tile and the left border of the second.
		final TileGrid grid = new TileGrid(TileAxis.of(224, 128, 32), TileAxis.of(128, 128, 32), 1);
		assertEquals(2, grid.count());
		final MapStitcher stitcher = new MapStitcher(grid);
		for (final Tile tile : grid.tiles()) {
			// the second tile sees the object more weakly (as another pass may): 0.6 instead of 1
			final float strength = tile.column() == 0 ? 1f : 0.6f;
			final float[] v = new float[128 * 128];
			for (int y = 0; y < 128; y++) {
				for (int u = 0; u < 128; u++) {
					final int x = tile.x() + u;
					if ((x - 112) * (x - 112) + (y - 64) * (y - 64) <= 30 * 30) v[y * 128 + u] = strength;
				}
			}
			stitcher.add(tile, FloatMap.of(128, 128, v));
		}
		final FloatMap stitched = stitcher.toFloatMap();
		final MethodMaps maps = new MethodMaps(CamMethod.ZOOMCAM, List.of("l"), List.of(), List.of(), List.of(), null,
			stitched);
		final ImageExplanation explanation = new ImageExplanation("mosaic", 224, 128, new float[] { 5 }, new float[] {
			0.99f }, List.of(new TargetExplanation(0, "nucleus", 5, 0.99f, Map.of(CamMethod.ZOOMCAM, maps))), List.of());
		final ImageAnnotation annotation = PseudoLabelOutputs.annotate(explanation, CamMethod.ZOOMCAM,
			new AnnotationOptions(Threshold.parse("0.25"), Keep.all(1), Double.NaN));
		final ClassAnnotation nucleus = annotation.classes().get(0);
		assertEquals(1, nucleus.label().components().size(), "one instance, not one per tile");
		final Component c = nucleus.label().components().get(0);
		assertEquals(82, c.box().x());
		assertEquals(34, c.box().y());
		assertEquals(61, c.box().width());
		assertEquals(61, c.box().height());
	}
}
