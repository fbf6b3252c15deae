package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalizationEvaluatorTest {

	static final Box TEN = new Box(0, 0, 10, 10);

	/** The three images worked out below, shared with the report test. */
	static LocalizationResult threeImages() {
		final LocalizationEvaluator evaluator = new LocalizationEvaluator();
		// Image 1: class 5 ranked first; its box equals the second of the two class-5 boxes (IoU 1).
		// Top-1 class right, top-1 and top-5 localization right, GT-known right.
		evaluator.add(new LocalizationSample("one", new int[] {5, 2, 7},
			Map.of(5, new Box(50, 50, 8, 8), 2, TEN, 7, TEN),
			Map.of(5, List.of(TEN, new Box(50, 50, 8, 8)))));
		// Image 2: truth class 3 ranked second. Box for 3 covers 10x5 of the 10x10 truth: 50 / 100 = 0.5,
		// which meets IoU >= 0.5. Top-1 wrong (class and localization), top-5 right, GT-known right.
		evaluator.add(new LocalizationSample("two", new int[] {4, 3, 1},
			Map.of(4, TEN, 3, new Box(0, 0, 10, 5), 1, TEN),
			Map.of(3, List.of(TEN))));
		// Image 3: class 1 ranked first, box shifted by 5: common 5x10 = 50, union 100 + 100 - 50 = 150,
		// IoU 1/3 < 0.5; the second class-1 box is far away. Class right, every localization wrong.
		evaluator.add(new LocalizationSample("three", new int[] {1, 9},
			Map.of(1, new Box(5, 0, 10, 10), 9, TEN),
			Map.of(1, List.of(TEN, new Box(20, 20, 4, 4)))));
		assertEquals(3, evaluator.images());
		return evaluator.result();
	}

	@Test
	void threeHandMadeImages() {
		final LocalizationResult r = threeImages();
		// Top-1 class wrong only in image 2 -> 1/3; top-5 class never wrong -> 0.
		assertEquals(1.0 / 3, r.top1ClassificationError(), 1e-12);
		assertEquals(0.0, r.top5ClassificationError(), 1e-12);
		// Top-1 localization wrong in images 2 and 3 -> 2/3; top-5 wrong in image 3 -> 1/3.
		assertEquals(2.0 / 3, r.top1LocalizationError(), 1e-12);
		assertEquals(1.0 / 3, r.top5LocalizationError(), 1e-12);
		// GT-known right in images 1 and 2 -> 2/3.
		assertEquals(2.0 / 3, r.gtKnownLocalizationAccuracy(), 1e-12);
	}

	@Test
	void onlyTheFirstFiveRanksCount() {
		// The truth class is ranked sixth with a perfect box: both top-5 errors count it wrong, while
		// GT-known accuracy, which ignores the ranking, counts it right.
		final LocalizationEvaluator evaluator = new LocalizationEvaluator();
		evaluator.add(new LocalizationSample("six", new int[] {10, 11, 12, 13, 14, 3}, Map.of(3, TEN),
			Map.of(3, List.of(TEN))));
		final LocalizationResult r = evaluator.result();
		assertEquals(1.0, r.top5ClassificationError());
		assertEquals(1.0, r.top5LocalizationError());
		assertEquals(1.0, r.gtKnownLocalizationAccuracy());
	}

	@Test
	void emptyEvaluatorGivesNaN() {
		assertTrue(Double.isNaN(new LocalizationEvaluator().result().top1LocalizationError()));
	}

	@Test
	void missingBoxForTruthClassIsRejected() {
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> new LocalizationSample("x.JPEG",
			new int[] {1}, Map.of(1, TEN), Map.of(2, List.of(TEN))));
		assertTrue(e.getMessage().startsWith("image x.JPEG: no predicted box for ground-truth class 2"), e.getMessage());
		assertThrows(ZoomCamException.class, () -> new LocalizationSample("y", new int[] {1, 1}, Map.of(1, TEN),
			Map.of(1, List.of(TEN))));
		assertThrows(ZoomCamException.class, () -> new LocalizationSample("z", new int[] {1}, Map.of(1, TEN), Map.of()));
	}
}
