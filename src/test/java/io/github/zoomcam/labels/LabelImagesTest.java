package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelImagesTest {

	@Test
	void argmaxWithBackgroundThresholdAndTies() {
		final float[] classFour = {0.9f, 0.2f, 0.5f, 0.1f, 0.05f, 0.3f};
		final float[] classSeven = {0.1f, 0.6f, 0.5f, 0.2f, 0.08f, 0.3f};
		// pixel 0: 0.9 (class 4) wins -> 5; pixel 1: 0.6 (class 7) -> 8;
		// pixel 2: tie 0.5 / 0.5 -> first list entry, class 4 -> 5;
		// pixel 3: best 0.2 < 0.3 -> background 0; pixel 4: best 0.08 -> 0;
		// pixel 5: tie at 0.3, equal to the background threshold, not below it -> class 4 -> 5.
		final int[] labels = LabelImages.fromClassMaps(List.of(classFour, classSeven), new int[] {4, 7}, 3, 2, 0.3f);
		assertArrayEquals(new int[] {5, 8, 5, 0, 0, 5}, labels);
	}

	@Test
	void listOrderDecidesTiesNotClassIndex() {
		// Same tie as above with the maps swapped: now class 7 is first and wins.
		final float[] a = {0.5f};
		final float[] b = {0.5f};
		assertArrayEquals(new int[] {8}, LabelImages.fromClassMaps(List.of(a, b), new int[] {7, 4}, 1, 1, 0f));
	}

	@Test
	void noMapsMeansAllBackground() {
		assertArrayEquals(new int[4], LabelImages.fromClassMaps(List.of(), new int[0], 2, 2, 0.5f));
	}

	@Test
	void badInputIsRejected() {
		final ZoomCamException count = assertThrows(ZoomCamException.class,
			() -> LabelImages.fromClassMaps(List.of(new float[4]), new int[] {1, 2}, 2, 2, 0.5f));
		assertTrue(count.getMessage().contains("1 class maps but 2 class indices"), count.getMessage());
		final ZoomCamException size = assertThrows(ZoomCamException.class,
			() -> LabelImages.fromClassMaps(List.of(new float[4], new float[3]), new int[] {1, 2}, 2, 2, 0.5f));
		assertTrue(size.getMessage().contains("class 2"), size.getMessage());
		assertThrows(ZoomCamException.class,
			() -> LabelImages.fromClassMaps(List.of(new float[] {Float.NaN}), new int[] {0}, 1, 1, 0.5f));
		assertThrows(ZoomCamException.class,
			() -> LabelImages.fromClassMaps(List.of(new float[1]), new int[] {-1}, 1, 1, 0.5f));
	}
}
