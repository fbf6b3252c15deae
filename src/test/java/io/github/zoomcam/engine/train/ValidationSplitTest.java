package io.github.zoomcam.engine.train;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationSplitTest {

	private static final List<String> ABC = List.of("a", "b", "c");

	@Test
	void singleLabelSplitsEveryClassInProportion() {
		// 50 a, 20 b, 5 c.
		final float[][] targets = new float[75][];
		for (int i = 0; i < 75; i++) targets[i] = oneHot(i < 50 ? 0 : i < 70 ? 1 : 2);
		final ValidationSplit split = ValidationSplit.stratified(targets, ABC, LabelKind.SINGLE_LABEL, 0.2, 7);
		final int[][] counts = split.countsPerClass(targets, 3);
		assertArrayEquals(new int[] {40, 10}, counts[0]);
		assertArrayEquals(new int[] {16, 4}, counts[1]);
		assertArrayEquals(new int[] {4, 1}, counts[2]);
		assertPartition(split, 75);
	}

	@Test
	void multiLabelKeepsEveryClassOnBothSides() {
		final Random random = new Random(3);
		final float[][] targets = new float[200][3];
		for (final float[] t : targets) {
			for (int c = 0; c < 3; c++) t[c] = random.nextDouble() < (c == 2 ? 0.02 : 0.4) ? 1 : 0;
		}
		// Make sure the rare class has exactly two images, in one label combination each.
		Arrays.stream(targets).forEach(t -> t[2] = 0);
		targets[5][2] = 1;
		targets[9][2] = 1;
		final ValidationSplit split = ValidationSplit.stratified(targets, ABC, LabelKind.MULTI_LABEL, 0.25, 11);
		final int[][] counts = split.countsPerClass(targets, 3);
		for (int c = 0; c < 3; c++) {
			assertTrue(counts[c][0] >= 1 && counts[c][1] >= 1, "class " + c + " on both sides: " + Arrays.toString(
				counts[c]));
		}
		assertEquals(50, split.validation().length, 4);
		assertPartition(split, 200);
	}

	@Test
	void sameSeedSameSplitOtherSeedOtherSplit() {
		final float[][] targets = IntStream.range(0, 60).mapToObj(i -> oneHot(i % 3)).toArray(float[][]::new);
		final ValidationSplit a = ValidationSplit.stratified(targets, ABC, LabelKind.SINGLE_LABEL, 0.2, 1);
		final ValidationSplit b = ValidationSplit.stratified(targets, ABC, LabelKind.SINGLE_LABEL, 0.2, 1);
		final ValidationSplit c = ValidationSplit.stratified(targets, ABC, LabelKind.SINGLE_LABEL, 0.2, 2);
		assertArrayEquals(a.validation(), b.validation());
		assertTrue(!Arrays.equals(a.validation(), c.validation()));
	}

	@Test
	void aClassWithOneImageIsTooLittleData() {
		final float[][] targets = {oneHot(0), oneHot(0), oneHot(1), oneHot(1), oneHot(2)};
		final ZoomCamException e = assertThrows(ZoomCamException.class, () -> ValidationSplit.stratified(targets, ABC,
			LabelKind.SINGLE_LABEL, 0.2, 1));
		assertTrue(e.getMessage().contains("too little data for the validation split: class 'c' has 1"), e.getMessage());
	}

	private static void assertPartition(final ValidationSplit split, final int n) {
		final int[] all = IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation())).sorted()
			.toArray();
		assertArrayEquals(IntStream.range(0, n).toArray(), all);
	}

	private static float[] oneHot(final int c) {
		final float[] t = new float[3];
		t[c] = 1;
		return t;
	}
}
