package io.github.zoomcam.engine.train;

import io.github.zoomcam.engine.NpyArray;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NpyWriterTest {

	@Test
	void writtenTestInputReadsBackWithTheEnginesReader() {
		final float[] values = ClassifierTrainer.gaussian(2 * 3 * 5, 9);
		final byte[] bytes = BundleWriter.npy(new long[] {1, 2, 3, 5}, values);
		// numpy wants the data to start at a multiple of 64 bytes.
		final int headerLength = (bytes[8] & 0xff) | ((bytes[9] & 0xff) << 8);
		assertEquals(0, (10 + headerLength) % 64);
		final NpyArray read = NpyArray.parse(bytes, "test");
		assertArrayEquals(new long[] {1, 2, 3, 5}, read.shape());
		assertArrayEquals(values, read.data());
		assertArrayEquals(new long[] {4}, NpyArray.parse(BundleWriter.npy(new long[] {4}, new float[4]), "1-d")
			.shape());
	}
}
