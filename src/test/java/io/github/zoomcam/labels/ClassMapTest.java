package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassMapTest {

	@Test
	void evidenceIsTheMapUnlessGiven() {
		final float[] map = {0.1f, 0.9f};
		assertSame(map, new ClassMap(0, "a", 1f, map).evidenceMap());
		final float[] evidence = {0.5f, 0.5f};
		assertSame(evidence, new ClassMap(0, "a", 1f, map, evidence).evidenceMap());
	}

	@Test
	void meanOfLayersAveragesPixelByPixel() {
		assertArrayEquals(new float[] {0.5f, 0.25f, 1f}, ClassMap.meanOfLayers(List.of(new float[] {1, 0, 1},
			new float[] {0, 0.5f, 1})));
		assertThrows(ZoomCamException.class, () -> ClassMap.meanOfLayers(List.of()));
		assertThrows(ZoomCamException.class, () -> ClassMap.meanOfLayers(List.of(new float[2], new float[3])));
	}
}
