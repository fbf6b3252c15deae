package io.github.zoomcam.labels;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RefinementEvaluation and AveragePrecision on hand-worked examples. */
class RefinementEvaluationTest {

	@Test
	void scoresAndTimesAreAccumulatedOverImages() {
		final RefinementEvaluation e = new RefinementEvaluation("x", List.of("a", "b"), 10);
		// Image 1 (4 pixels): truth bg, a, a, b; predicted bg, a, bg, b. Image 2: truth bg bg bg bg, predicted bg.
		// Background: 5 true, 6 predicted, 5 agree: IoU 5/6. a: 2 true, 1 predicted, 1 agree: 1/2. b: 1/1.
		final ClassBox truthA = new ClassBox(0, new Box(0, 0, 2, 2), 4);
		final ClassBox truthB = new ClassBox(1, new Box(5, 5, 3, 3), 20);
		// a's box matches (IoU 1); b's predicted 2x2 box inside its 3x3 truth box: IoU 4 / 9 < 0.5, no match.
		e.add("one", new int[] {0, 1, 1, 2}, List.of(truthA, truthB), new int[] {0, 1, 0, 2}, List.of(new ClassBox(0,
			new Box(0, 0, 2, 2), 4), new ClassBox(1, new Box(5, 5, 2, 2), 4)));
		e.add("two", new int[] {0, 0, 0, 0}, List.of(), new int[] {0, 0, 0, 0}, List.of());
		e.addTime(3_000_000, 1_000_000, 2);
		final RefinementEvaluation.Report r = e.report();
		assertEquals(5.0 / 6, r.classIoU()[0], 1e-12);
		assertEquals(0.5, r.classIoU()[1], 1e-12);
		assertEquals(1, r.classIoU()[2], 1e-12);
		assertEquals((5.0 / 6 + 0.5 + 1) / 3, r.meanIoU(), 1e-12);
		assertEquals(0.5, r.boxRecall(), 1e-12);
		assertEquals(0.5, r.boxPrecision(), 1e-12);
		// Small: under 10 pixels, so only truthA (matched).
		assertEquals(1, r.smallRecall(), 1e-12);
		assertEquals(2, r.truthInstances());
		assertEquals(2, r.predictedInstances());
		assertEquals(1.5, r.msWall(), 1e-12);
		assertEquals(0.5, r.msCpu(), 1e-12);
	}

	@Test
	void untimedAndEmptyEvaluationsAreNaN() {
		final RefinementEvaluation.Report r = new RefinementEvaluation("x", List.of("a"), 10).report();
		assertTrue(Double.isNaN(r.msWall()) && Double.isNaN(r.msCpu()) && Double.isNaN(r.boxRecall()));
	}

	@Test
	void averagePrecisionIsTheMeanPrecisionAtEachPositive() {
		// Class 0 ranked by score: images 2 (0.9, positive), 0 (0.8, negative), 1 (0.3, positive), 3 (0.1,
		// negative): precision 1/1 at rank 1 and 2/3 at rank 3, AP = (1 + 2/3) / 2. Class 1: the positive is
		// ranked first, AP 1. Class 2 has no positive image: NaN, left out of the mean.
		final float[][] scores = {{0.8f, 0.1f, 0f}, {0.3f, 0.2f, 0f}, {0.9f, 0.7f, 0f}, {0.1f, 0.3f, 0f}};
		final boolean[][] truth = {{false, false, false}, {true, false, false}, {true, true, false}, {false, false,
			false}};
		assertEquals((1 + 2.0 / 3) / 2, AveragePrecision.of(scores, truth, 0), 1e-12);
		assertEquals(1, AveragePrecision.of(scores, truth, 1), 1e-12);
		assertTrue(Double.isNaN(AveragePrecision.of(scores, truth, 2)));
		assertEquals(((1 + 2.0 / 3) / 2 + 1) / 2, AveragePrecision.mean(scores, truth, 3), 1e-12);
	}
}
