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
 * A full-size float map on disk, read back a band of rows or a rectangle at a time: the full-size maps of a
 * large image are written one at a time (heatmap TIFFs, read where ImageJ's {@link TiffDecoder} says their last
 * plane lies; the refinement's evidence as temporary raw files) and read back for the label files that combine
 * every class, so no class's map has to stay in memory meanwhile.
 */
final class FloatMapFile {

	private final Path file;
	private final int width;
	private final int height;
	private final long offset;
	private final ByteOrder order;

	private FloatMapFile(final Path file, final int width, final int height, final long offset,
		final ByteOrder order)
	{
		this.file = file;
		this.width = width;
		this.height = height;
		this.offset = offset;
		this.order = order;
	}

	/**
	 * Writes a map as raw floats (the machine's byte order) to {@code file} and returns it for reading. The
	 * file is the caller's to delete.
	 */
	static FloatMapFile writeRaw(final Path file, final io.github.zoomcam.core.FloatMap map) {
		final float[] values = map.sharedValues();
		final ByteBuffer buffer = ByteBuffer.allocate(1 << 22).order(ByteOrder.nativeOrder());
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
			StandardOpenOption.TRUNCATE_EXISTING))
		{
			for (int from = 0; from < values.length; from += buffer.capacity() / 4) {
				final int n = Math.min(buffer.capacity() / 4, values.length - from);
				buffer.clear();
				buffer.asFloatBuffer().put(values, from, n);
				buffer.limit(n * 4);
				while (buffer.hasRemaining()) channel.write(buffer);
			}
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot write " + file + " (" + e.getMessage() + "); check the free space of " +
				file.getParent());
		}
		return new FloatMapFile(file, map.width(), map.height(), 0, ByteOrder.nativeOrder());
	}

	/** Opens a TIFF's description; its last plane must be {@code width x height} float pixels. */
	static FloatMapFile ofTiff(final Path file, final int width, final int height) {
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
		final long offset = infos.length > 1 ? last.getOffset() : last.getOffset() + (long) (Math.max(1, last.nImages) -
			1) * (plane + last.gapBetweenImages);
		return new FloatMapFile(file, width, height, offset, last.intelByteOrder ? ByteOrder.LITTLE_ENDIAN
			: ByteOrder.BIG_ENDIAN);
	}

	/**
	 * Fills {@code into} (row-major, {@code w} values per row) with the rectangle x .. x + w - 1,
	 * y .. y + h - 1, which must lie inside the map.
	 */
	void readRect(final int x, final int y, final int w, final int h, final float[] into) {
		if (x < 0 || y < 0 || x + w > width || y + h > height) {
			throw new IllegalArgumentException(w + "x" + h + " at " + x + "," + y + " of a " + width + "x" + height + " map");
		}
		final ByteBuffer buffer = ByteBuffer.allocate(w * 4).order(order);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			for (int row = 0; row < h; row++) {
				buffer.clear();
				long position = offset + 4L * ((long) (y + row) * width + x);
				while (buffer.hasRemaining()) {
					final int read = channel.read(buffer, position);
					if (read < 0) throw new IOException("the file ends early");
					position += read;
				}
				buffer.flip();
				buffer.asFloatBuffer().get(into, row * w, w);
			}
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read back " + file + " (" + e.getMessage() + "); check the disk");
		}
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
