package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfusionMatrixTest {

	// Two 3x3 images, one class (labels 0 = background, 1 = object).
	static final int[] TRUTH_A = {
		1, 1, 0,
		1, 1, 0,
		0, 0, 0};
	static final int[] PRED_A = {
		1, 0, 0,
		1, 0, 0,
		0, 0, 0};
	static final int[] TRUTH_B = {
		0, 0, 0,
		0, 1, 0,
		0, 0, 0};
	static final int[] PRED_B = {
		0, 0, 0,
		0, 1, 1,
		0, 0, 0};

	/** The matrix of both images, shared with the report test. */
	static ConfusionMatrix twoImages() {
		final ConfusionMatrix matrix = new ConfusionMatrix(1);
		matrix.add("a.png", TRUTH_A, PRED_A);
		matrix.add("b.png", TRUTH_B, PRED_B);
		return matrix;
	}

	@Test
	void datasetLevelIouDiffersFromMeanOfPerImageIou() {
		// Image A: object TP 2, FP 0, FN 2 -> 2/4 = 0.5; background TP 5, FP 2, FN 0 -> 5/7.
		// Image B: object TP 1, FP 1, FN 0 -> 1/2; background TP 7, FP 0, FN 1 -> 7/8.
		// Summed: object TP 3, FP 1, FN 2 -> 3/6 = 0.5; background TP 12, FP 2, FN 1 -> 12/15 = 0.8.
		final ConfusionMatrix matrix = twoImages();
		assertEquals(2, matrix.images());
		assertEquals(12, matrix.count(0, 0));
		assertEquals(1, matrix.count(0, 1));
		assertEquals(2, matrix.count(1, 0));
		assertEquals(3, matrix.count(1, 1));
		assertEquals(0.8, matrix.iou(0), 1e-12);
		assertEquals(0.5, matrix.iou(1), 1e-12);
		// mIoU = (0.8 + 0.5) / 2 = 0.65.
		assertEquals(0.65, matrix.meanIoU(), 1e-12);
		// Per-image means: A (0.5 + 5/7) / 2 = 0.607143, B (0.5 + 7/8) / 2 = 0.6875; their mean is 0.647321.
		final double meanOfImages = ((0.5 + 5.0 / 7) / 2 + (0.5 + 7.0 / 8) / 2) / 2;
		assertEquals(0.6473214, meanOfImages, 1e-6);
		assertNotEquals(meanOfImages, matrix.meanIoU(), 1e-3);
		// Pixel accuracy: (12 + 3) right of 18.
		assertEquals(15.0 / 18, matrix.pixelAccuracy(), 1e-12);
	}

	@Test
	void ignoredPixelsAndAbsentClasses() {
		// Classes 1..3; label 3 appears nowhere -> NaN, left out of the mean. 255 pixels are skipped even
		// though the prediction has a class there.
		final int[] truth = {
			0, 0, 1, 1,
			0, 0, 1, 1,
			2, 2, 255, 255,
			2, 2, 0, 0};
		final int[] predicted = {
			0, 0, 1, 1,
			0, 1, 1, 1,
			2, 0, 2, 1,
			2, 2, 0, 0};
		final ConfusionMatrix matrix = new ConfusionMatrix(3);
		matrix.add(truth, predicted);
		// (truth, pred) counts over the 14 counted pixels: (0,0) 5, (0,1) 1, (1,1) 4, (2,2) 3, (2,0) 1.
		// IoU 0 = 5 / (5 + 1 + 1) = 5/7; IoU 1 = 4 / (4 + 1 + 0) = 4/5; IoU 2 = 3 / (3 + 0 + 1) = 3/4.
		final double[] ious = matrix.ious();
		assertEquals(5.0 / 7, ious[0], 1e-12);
		assertEquals(4.0 / 5, ious[1], 1e-12);
		assertEquals(3.0 / 4, ious[2], 1e-12);
		assertTrue(Double.isNaN(ious[3]));
		// (5/7 + 4/5 + 3/4) / 3 = 0.7547619
		assertEquals(0.7547619, matrix.meanIoU(), 1e-7);
	}

	@Test
	void emptyMatrixHasNaNMean() {
		assertTrue(Double.isNaN(new ConfusionMatrix(2).meanIoU()));
	}

	@Test
	void addAllSumsCounts() {
		final ConfusionMatrix a = new ConfusionMatrix(1);
		a.add(TRUTH_A, PRED_A);
		final ConfusionMatrix b = new ConfusionMatrix(1);
		b.add(TRUTH_B, PRED_B);
		a.addAll(b);
		assertEquals(0.65, a.meanIoU(), 1e-12);
		assertEquals(2, a.images());
	}

	@Test
	void mismatchedSizesNameTheImageAndLeaveCountsAlone() {
		final ConfusionMatrix matrix = new ConfusionMatrix(1);
		matrix.add(TRUTH_A, PRED_A);
		final ZoomCamException named = assertThrows(ZoomCamException.class,
			() -> matrix.add("2007_000033.png", new int[9], new int[12]));
		assertEquals("image 2007_000033.png: ground truth has 9 pixels but the prediction has 12; both label images "
			+ "must have the same size", named.getMessage());
		// Unnamed images are numbered from 1 in the order they are added: this would be the second.
		final ZoomCamException numbered = assertThrows(ZoomCamException.class, () -> matrix.add(new int[9], new int[4]));
		assertTrue(numbered.getMessage().startsWith("image #2:"), numbered.getMessage());
		final ZoomCamException label = assertThrows(ZoomCamException.class,
			() -> matrix.add("c.png", new int[] {0, 7}, new int[] {0, 0}));
		assertTrue(label.getMessage().contains("ground-truth label 7"), label.getMessage());
		assertThrows(ZoomCamException.class, () -> matrix.add("d.png", new int[] {0, 1}, new int[] {0, 255}));
		assertEquals(1, matrix.images());
		assertEquals(0.5, matrix.iou(1), 1e-12);
	}
}
