package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import io.github.zoomcam.Fixtures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TIFF completeness on files written by ImageJ and on hand-made tiled TIFF and BigTIFF files. */
class TiffIntegrityTest {

	@TempDir
	Path tmp;

	private Path cut(final Path file, final long length) throws IOException {
		final Path out = tmp.resolve("cut-" + file.getFileName());
		Files.write(out, Arrays.copyOf(Files.readAllBytes(file), (int) length));
		return out;
	}

	@Test
	void wholeFilesAndOtherFormatsPass() {
		assertNull(TiffIntegrity.problem(Fixtures.GREY16_IMAGE));
		assertNull(TiffIntegrity.problem(Fixtures.RGB_IMAGE), "a PNG is not checked");
	}

	@Test
	void aStackCutAnywhereIsFound() throws IOException {
		// 3 slices of 20 x 10 8-bit pixels: ImageJ writes the first directory, the pixels of every slice, then
		// the directories of the other slices
		final ImagePlus stack = IJ.createImage("stack", "8-bit ramp", 20, 10, 3);
		final Path file = tmp.resolve("stack.tif");
		new FileSaver(stack).saveAsTiffStack(file.toString());
		assertNull(TiffIntegrity.problem(file));
		final long size = Files.size(file);
		for (final long length : new long[] { size - 1, size / 2, 200 }) {
			final String message = TiffIntegrity.problem(cut(file, length));
			assertTrue(message != null && message.startsWith("cut-stack.tif is truncated: its ") && message.contains(
				"but the file has " + length), length + ": " + message);
		}
	}

	@Test
	void aSingleImageCutInItsPixelsIsFound() throws IOException {
		final ImagePlus image = IJ.createImage("one", "16-bit ramp", 20, 10, 1);
		final Path file = tmp.resolve("one.tif");
		new FileSaver(image).saveAsTiff(file.toString());
		// ImageJ's decoder says where the pixels start; 20 x 10 16-bit pixels are 400 bytes
		final long offset = new ij.io.TiffDecoder(tmp + "/", "one.tif").getTiffInfo()[0].getOffset();
		assertEquals("cut-one.tif is truncated: its pixel data needs " + (offset + 400) + " bytes but the file has " +
			(offset + 399) + " (an incomplete copy or an interrupted save); copy or export it again", TiffIntegrity
				.problem(cut(file, offset + 399)));
	}

	@Test
	void aFileCutInItsHeaderIsFound() throws IOException {
		final String message = TiffIntegrity.problem(cut(Fixtures.GREY16_IMAGE, 40));
		assertTrue(message.startsWith("cut-cells_grey16.tif is truncated: its TIFF header and image directories need "), message);
	}

	/**
	 * A classic little-endian tiled TIFF, by hand: header, one directory with TileOffsets (LONG, 2 tiles at
	 * 100 and 164) and TileByteCounts (SHORT, 64 each), so the tiles end at byte 228.
	 */
	@Test
	void tilesAreCheckedLikeStrips() throws IOException {
		final ByteBuffer b = ByteBuffer.allocate(228).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
		b.position(8);
		b.putShort((short) 2);
		// TileOffsets: tag 324, LONG (4), count 2, values at offset 40
		b.putShort((short) 324).putShort((short) 4).putInt(2).putInt(40);
		// TileByteCounts: tag 325, SHORT (3), count 2, inline: 64, 64
		b.putShort((short) 325).putShort((short) 3).putInt(2).putShort((short) 64).putShort((short) 64);
		b.putInt(0); // no next directory
		b.position(40);
		b.putInt(100).putInt(164);
		final Path file = tmp.resolve("tiled.tif");
		Files.write(file, b.array());
		assertNull(TiffIntegrity.problem(file));
		assertEquals("cut-tiled.tif is truncated: its pixel data needs 228 bytes but the file has 200 (an incomplete " +
			"copy or an interrupted save); copy or export it again", TiffIntegrity.problem(cut(file, 200)));
	}

	/** A big-endian BigTIFF by hand: StripOffsets LONG8 1 value 72, StripByteCounts LONG8 1 value 28. */
	@Test
	void bigTiffIsRead() throws IOException {
		final ByteBuffer b = ByteBuffer.allocate(100).order(ByteOrder.BIG_ENDIAN);
		b.put((byte) 'M').put((byte) 'M').putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(16);
		b.position(16);
		b.putLong(2);
		b.putShort((short) 273).putShort((short) 16).putLong(1).putLong(72);
		b.putShort((short) 279).putShort((short) 16).putLong(1).putLong(28);
		b.putLong(0);
		final Path file = tmp.resolve("big.tif");
		Files.write(file, b.array());
		assertNull(TiffIntegrity.problem(file));
		assertTrue(TiffIntegrity.problem(cut(file, 99)).contains("needs 100 bytes but the file has 99"));
	}
}
