package io.github.zoomcam.pipeline;

import ij.IJ;
import ij.measure.Calibration;
import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.core.ZoomCamException;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An 8- or 16-bit grey TIFF written a band of rows at a time, in the layout ImageJ writes (big-endian, one strip,
 * an "ImageJ=" description with the display range and unit, resolution tags for the calibration), so that
 * ImageJ and Fiji open it as they open ImageJ's own files. ImageJ's encoder needs the whole image as one
 * array; a label image of a 16384x16384 image would be 512 MB of it.
 */
final class StreamedTiff {

	/** Rows of the image, filled on request. */
	interface Rows {

		/** Fills {@code band} with rows y0 .. y0 + rows - 1 (row-major, width values per row). */
		void fill(int y0, int rows, short[] band);
	}

	/** Rows of an 8-bit image, filled on request. */
	interface ByteRows {

		/** Fills {@code band} with rows y0 .. y0 + rows - 1 (row-major, width values per row). */
		void fill(int y0, int rows, byte[] band);
	}

	/** Rows of a 32-bit float image, filled on request. */
	interface FloatRows {

		/** Fills {@code band} with rows y0 .. y0 + rows - 1 (row-major, width values per row). */
		void fill(int y0, int rows, float[] band);
	}

	/** Writes the band of rows y0 .. y0 + rows - 1. */
	private interface Band {

		void write(DataOutputStream out, int y0, int rows) throws IOException;
	}

	static final int ROWS_PER_BAND = 256;

	private StreamedTiff() {}

	static void write16(final Path target, final int width, final int height, final Calibration calibration,
		final double displayMax, final Rows rows)
	{
		final short[] band = new short[width * Math.min(ROWS_PER_BAND, height)];
		write(target, width, height, calibration, 16, displayMax, (out, y, n) -> {
			java.util.Arrays.fill(band, (short) 0);
			rows.fill(y, n, band);
			for (int i = 0; i < n * width; i++) out.writeShort(band[i]);
		});
	}

	static void write8(final Path target, final int width, final int height, final Calibration calibration,
		final ByteRows rows)
	{
		final byte[] band = new byte[width * Math.min(ROWS_PER_BAND, height)];
		write(target, width, height, calibration, 8, 255, (out, y, n) -> {
			java.util.Arrays.fill(band, (byte) 0);
			rows.fill(y, n, band);
			out.write(band, 0, n * width);
		});
	}

	static void write32(final Path target, final int width, final int height, final Calibration calibration,
		final double displayMax, final FloatRows rows)
	{
		final float[] band = new float[width * Math.min(ROWS_PER_BAND, height)];
		write(target, width, height, calibration, 32, displayMax, (out, y, n) -> {
			java.util.Arrays.fill(band, 0f);
			rows.fill(y, n, band);
			for (int i = 0; i < n * width; i++) out.writeFloat(band[i]);
		});
	}

	/** @param bits 8 or 16 (unsigned integers) or 32 (floats) */
	private static void write(final Path target, final int width, final int height, final Calibration calibration,
		final int bits, final double displayMax, final Band band)
	{
		final long bytes = (long) bits / 8 * width * height;
		if (bytes > 0xFFFFFFFFL) {
			throw new ZoomCamException(target.getFileName() + " of " + width + "x" + height + " pixels is larger than a " +
				"TIFF holds (4 GB); crop the image");
		}
		final boolean calibrated = calibration != null && calibration.scaled();
		final StringBuilder description = new StringBuilder("ImageJ=").append(IJ.getVersion()).append('\n');
		if (calibrated) description.append("unit=").append(calibration.getUnit()).append('\n');
		description.append("min=0.0\nmax=").append(String.format(Locale.ROOT, "%.1f", displayMax)).append("\n\0");
		final byte[] text = description.toString().getBytes(StandardCharsets.ISO_8859_1);
		final boolean floats = bits == 32;
		final int entries = (calibrated ? 13 : 10) + (floats ? 1 : 0);
		final int ifdSize = 2 + entries * 12 + 4;
		final long textOffset = 8 + ifdSize;
		final long resolutionOffset = textOffset + text.length;
		final long dataOffset = resolutionOffset + (calibrated ? 16 : 0);
		AtomicFiles.write(target, tmp -> {
			try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 <<
				20)))
			{
				out.writeBytes("MM");
				out.writeShort(42);
				out.writeInt(8);
				out.writeShort(entries);
				entry(out, 254, 4, 1, 0);
				entry(out, 256, 4, 1, width);
				entry(out, 257, 4, 1, height);
				entry(out, 258, 3, 1, bits << 16);
				entry(out, 262, 3, 1, 1 << 16);
				entry(out, 270, 2, text.length, textOffset);
				entry(out, 273, 4, 1, dataOffset);
				entry(out, 277, 3, 1, 1 << 16);
				entry(out, 278, 4, 1, height);
				entry(out, 279, 4, 1, bytes);
				if (calibrated) {
					entry(out, 282, 5, 1, resolutionOffset);
					entry(out, 283, 5, 1, resolutionOffset + 8);
					entry(out, 296, 3, 1, 1 << 16); // no absolute unit: the description names it
				}
				if (floats) entry(out, 339, 3, 1, 3 << 16); // sample format: IEEE floating point
				out.writeInt(0);
				out.write(text);
				if (calibrated) {
					rational(out, 1 / calibration.pixelWidth);
					rational(out, 1 / calibration.pixelHeight);
				}
				for (int y = 0; y < height; y += ROWS_PER_BAND) band.write(out, y, Math.min(ROWS_PER_BAND, height - y));
			}
			catch (final IOException e) {
				throw new ZoomCamException("cannot write " + target + " (" + e.getMessage() + "); check the disk");
			}
		});
	}

	/** One IFD entry; a value of at most 4 bytes sits left-aligned in the last field. */
	private static void entry(final DataOutputStream out, final int tag, final int type, final long count,
		final long value) throws IOException
	{
		out.writeShort(tag);
		out.writeShort(type);
		out.writeInt((int) count);
		out.writeInt((int) value);
	}

	/** A rational as ImageJ writes it: numerator and denominator scaled by up to a million. */
	private static void rational(final DataOutputStream out, final double value) throws IOException {
		final double scale = Math.min(1_000_000, Integer.MAX_VALUE / Math.max(1, value));
		out.writeInt((int) Math.round(value * scale));
		out.writeInt((int) Math.round(scale));
	}
}
