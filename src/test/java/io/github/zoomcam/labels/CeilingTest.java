package io.github.zoomcam.labels;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CeilingTest {

	@Test
	void eachObjectTakesItsTrueMajorityLabel() {
		// 16x10 image, three bright objects on 10 in rows 3..6: P (x 0..3), Q (x 5..7), R (x 9..11).
		final int w = 16;
		final int h = 10;
		final float[] guide = ImageGuidedLabelerTest.image(w, h, 10, new int[] {0, 3, 3, 6, 200},
			new int[] {5, 3, 7, 6, 200}, new int[] {9, 3, 11, 6, 200});
		final Foreground fg = ImageGuidedLabeler.foreground("img", guide, w, h, ImageGuidedLabelerTest.EXACT);
		assertEquals(3, fg.objectCount());
		// Truth: P is 12 pixels of class 1 (label 2) and 4 of class 0 (label 1) -> class 1, score 12/16.
		// Q is mostly background (8 of 12 pixels) -> stays background. R is label 1 but one pixel is "ignore".
		final int[] truth = new int[w * h];
		for (int y = 3; y <= 6; y++) {
			for (int x = 0; x < w; x++) {
				if (x <= 3) truth[y * w + x] = y == 3 ? 1 : 2;
				if (x == 5) truth[y * w + x] = 3;
				if (x >= 9 && x <= 11) truth[y * w + x] = 1;
			}
		}
		truth[3 * w + 11] = ConfusionMatrix.IGNORE;
		final ImageAnnotation a = Ceiling.annotate("img", fg, truth, List.of("a", "b", "c"), 1);
		assertEquals(List.of(new Instance(1, 1, "b", 12f / 16, new Box(0, 3, 4, 4), 16),
			new Instance(2, 0, "a", 11f / 12, new Box(9, 3, 3, 4), 12)), a.instances());
		final int[] expected = new int[w * h];
		for (int y = 3; y <= 6; y++) {
			for (int x = 0; x < w; x++) {
				if (x <= 3) expected[y * w + x] = 2;
				if (x >= 9 && x <= 11) expected[y * w + x] = 1;
			}
		}
		assertArrayEquals(expected, a.labelImage());
	}
}
