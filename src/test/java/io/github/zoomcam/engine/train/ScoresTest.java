package io.github.zoomcam.engine.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scores and losses against values worked out by hand. */
class ScoresTest {

	@Test
	void averagePrecisionAveragesThePrecisionAtEachPositive() {
		// Ranked: 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.1 (neg): precision 1/1 at rank 1, 2/3 at rank 3.
		final double ap = Scores.averagePrecision(new double[] {0.1, 0.9, 0.7, 0.8}, new boolean[] {false, true, true,
			false});
		assertEquals((1.0 + 2.0 / 3) / 2, ap, 1e-12);
		assertEquals(1.0, Scores.averagePrecision(new double[] {3, 2, 1}, new boolean[] {true, true, false}), 1e-12);
		assertTrue(Double.isNaN(Scores.averagePrecision(new double[] {1, 2}, new boolean[] {false, false})));
	}

	@Test
	void meanAveragePrecisionSkipsClassesWithoutPositives() {
		final float[][] logits = {{2, 0, 1}, {1, 5, 0}, {0, 1, 3}};
		final float[][] targets = {{1, 0, 0}, {0, 1, 0}, {1, 0, 0}};
		// Class 0: ranked 2 (pos), 1 (neg), 0 (pos): (1 + 2/3) / 2. Class 1: its positive ranks first: 1.
		// Class 2 has no positive and is left out.
		assertEquals(((1 + 2.0 / 3) / 2 + 1) / 2, Scores.meanAveragePrecision(logits, targets), 1e-12);
	}

	@Test
	void accuracyCountsTheHighestLogit() {
		final float[][] logits = {{2, 1}, {0, 3}, {4, -1}};
		final float[][] targets = {{1, 0}, {1, 0}, {1, 0}};
		assertEquals(2.0 / 3, Scores.accuracy(logits, targets), 1e-12);
	}

	@Test
	void lossesMatchTheirDefinitions() {
		// BCE of logit 0 is log 2 whatever the target; of logit 2 with target 1 it is log(1 + e^-2).
		final float[][] logits = {{0, 2}};
		final float[][] targets = {{1, 1}};
		assertEquals((Math.log(2) + Math.log(1 + Math.exp(-2))) / 2, Scores.binaryCrossEntropy(logits, targets), 1e-9);
		// CE of logits (1, 0) with class 0: -log(e / (e + 1)).
		assertEquals(-Math.log(Math.E / (Math.E + 1)), Scores.crossEntropy(new float[][] {{1, 0}}, new float[][] {{1,
			0}}), 1e-7);
		// Large logits stay finite.
		assertEquals(0, Scores.binaryCrossEntropy(new float[][] {{100}}, new float[][] {{1}}), 1e-12);
		assertEquals(100, Scores.binaryCrossEntropy(new float[][] {{100}}, new float[][] {{0}}), 1e-9);
	}
}
