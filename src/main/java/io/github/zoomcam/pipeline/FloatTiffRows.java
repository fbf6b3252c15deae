package io.github.zoomcam.pipeline;

import ij.io.FileInfo;
import ij.io.TiffDecoder;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Rows of the last plane of an uncompressed 32-bit float TIFF, read from the file a band at a time: the
 * full-size maps of a large image are written as heatmap TIFFs first, and read back from there (where ImageJ's
 * {@link TiffDecoder} says the plane lies) for the label files that combine every class, so no class's map has
 * to stay in memory meanwhile.
 */
final class FloatTiffRows {

	private final Path file;
	private final int width;
	private final long offset;
	private final ByteOrder order;

	/** Opens the file's description; its last plane must be {@code width x height} float pixels. */
	FloatTiffRows(final Path file, final int width, final int height) {
		this.file = file;
		this.width = width;
		final FileInfo[] infos;
		try {
			final Path parent = file.toAbsolutePath().getParent();
			infos = new TiffDecoder(parent.toString() + java.io.File.separator, file.getFileName().toString())
				.getTiffInfo();
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read back " + file + " (" + e.getMessage() + ")");
		}
		if (infos == null || infos.length == 0) throw new ZoomCamException("cannot read back " + file + ": not a TIFF");
		final FileInfo last = infos[infos.length - 1];
		if (last.fileType != FileInfo.GRAY32_FLOAT || last.compression > FileInfo.COMPRESSION_NONE || last.width !=
			width || last.height != height)
		{
			throw new ZoomCamException("cannot read back " + file + ": expected an uncompressed " + width + "x" + height +
				" float TIFF");
		}
		final long plane = 4L * width * height;
		this.offset = infos.length > 1 ? last.getOffset() : last.getOffset() + (long) (Math.max(1, last.nImages) - 1) *
			(plane + last.gapBetweenImages);
		this.order = last.intelByteOrder ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
	}

	/** Fills {@code into} from its start with rows y0 .. y0 + rows - 1. */
	void read(final int y0, final int rows, final float[] into) {
		final ByteBuffer buffer = ByteBuffer.allocate(rows * width * 4).order(order);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long position = offset + 4L * y0 * width;
			while (buffer.hasRemaining()) {
				final int read = channel.read(buffer, position);
				if (read < 0) throw new IOException("the file ends early");
				position += read;
			}
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read back " + file + " (" + e.getMessage() + "); check the disk");
		}
		buffer.flip();
		buffer.asFloatBuffer().get(into, 0, rows * width);
	}
}
