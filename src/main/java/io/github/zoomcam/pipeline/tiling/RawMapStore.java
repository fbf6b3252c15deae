package io.github.zoomcam.pipeline.tiling;

import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The raw layer maps of every tile, kept between the pass that computes them and the pass that normalises
 * and stitches them (the normalisation needs every tile's maps first). Each tile has one record of fixed
 * size: its slots (one per method, target and layer) in order. Small stores stay in memory; larger ones go
 * to a temporary file, so that the memory a tiled image needs does not grow with the number of tiles. The
 * file is deleted on {@link #close()}.
 */
public final class RawMapStore implements AutoCloseable {

	/** Stores up to this size stay in memory. */
	public static final long DEFAULT_MEMORY_LIMIT = 64L << 20;

	private final int[] slotFloats;
	private final int recordFloats;
	private final int tiles;
	private final float[][] inMemory;
	private final Path file;
	private final FileChannel channel;
	/** Offset of each slot in a record, in floats. */
	private final long[] slotOffset;
	/** Reused by {@link #read}: the stitching reads every tile once per map, and would otherwise make its
	 * garbage at gigabytes per second. */
	private ByteBuffer readBuffer;

	/**
	 * @param slotFloats floats of each slot of a record
	 * @param tiles number of records
	 * @param directory where a temporary file goes when the store exceeds {@code memoryLimit} bytes
	 */
	public RawMapStore(final int[] slotFloats, final int tiles, final Path directory, final long memoryLimit) {
		this.slotFloats = slotFloats.clone();
		long floats = 0;
		for (final int s : slotFloats) floats += s;
		if (floats > Integer.MAX_VALUE / 4) throw new ZoomCamException("the raw maps of one tile are too large");
		this.recordFloats = (int) floats;
		this.slotOffset = new long[slotFloats.length + 1];
		for (int i = 0; i < slotFloats.length; i++) slotOffset[i + 1] = slotOffset[i] + slotFloats[i];
		this.tiles = tiles;
		if (bytes(slotFloats, tiles) <= memoryLimit) {
			inMemory = new float[tiles][];
			file = null;
			channel = null;
		}
		else {
			inMemory = null;
			try {
				Files.createDirectories(directory);
				// The prefix of half-written files: an output folder's next run removes it if this one is killed.
				file = Files.createTempFile(directory, AtomicFiles.TEMPORARY_PREFIX + "tiles-", ".raw");
				channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
					StandardOpenOption.DELETE_ON_CLOSE);
			}
			catch (final IOException e) {
				throw new ZoomCamException("cannot create a temporary file for the tiles' maps in " + directory + " (" + e
					.getMessage() + "); set java.io.tmpdir to a writable folder");
			}
		}
	}

	/** Bytes a store of these records needs. */
	public static long bytes(final int[] slotFloats, final int tiles) {
		long floats = 0;
		for (final int s : slotFloats) floats += s;
		return floats * 4 * tiles;
	}

	/** Whether the records are in a temporary file. */
	public boolean onDisk() {
		return file != null;
	}

	/** Stores the slots of one tile (each as long as its slot). */
	public void put(final int tile, final float[][] slots) {
		if (slots.length != slotFloats.length) throw new IllegalArgumentException(slots.length + " slots, expected " +
			slotFloats.length);
		final float[] record = new float[recordFloats];
		int offset = 0;
		for (int s = 0; s < slots.length; s++) {
			if (slots[s].length != slotFloats[s]) {
				throw new IllegalArgumentException("slot " + s + " has " + slots[s].length + " values, expected " +
					slotFloats[s]);
			}
			System.arraycopy(slots[s], 0, record, offset, slotFloats[s]);
			offset += slotFloats[s];
		}
		if (inMemory != null) {
			inMemory[tile] = record;
			return;
		}
		final ByteBuffer buffer = ByteBuffer.allocate(recordFloats * 4).order(ByteOrder.nativeOrder());
		buffer.asFloatBuffer().put(record);
		try {
			long position = (long) tile * recordFloats * 4;
			while (buffer.hasRemaining()) position += channel.write(buffer, position);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot write the tiles' maps to " + file + " (" + e.getMessage() + "); check " +
				"the free space of " + file.getParent());
		}
	}

	/** The slots of one tile, as stored. */
	public float[][] get(final int tile) {
		final float[] record;
		if (inMemory != null) {
			record = inMemory[tile];
			if (record == null) throw new IllegalStateException("tile " + tile + " was not stored");
		}
		else {
			final ByteBuffer buffer = ByteBuffer.allocate(recordFloats * 4).order(ByteOrder.nativeOrder());
			try {
				long position = (long) tile * recordFloats * 4;
				while (buffer.hasRemaining()) {
					final int read = channel.read(buffer, position);
					if (read < 0) throw new IOException("the file ends early");
					position += read;
				}
			}
			catch (final IOException e) {
				throw new ZoomCamException("cannot read back the tiles' maps from " + file + " (" + e.getMessage() + ")");
			}
			buffer.flip();
			record = new float[recordFloats];
			buffer.asFloatBuffer().get(record);
		}
		final float[][] slots = new float[slotFloats.length][];
		int offset = 0;
		for (int s = 0; s < slots.length; s++) {
			slots[s] = java.util.Arrays.copyOfRange(record, offset, offset + slotFloats[s]);
			offset += slotFloats[s];
		}
		return slots;
	}

	/**
	 * Slots {@code from .. to - 1} of one tile, copied into {@code into[0 .. to - from - 1]} (each as long as
	 * its slot), without reading or copying the tile's other slots.
	 */
	public synchronized void read(final int tile, final int from, final int to, final float[][] into) {
		if (from < 0 || to > slotFloats.length || from >= to || into.length < to - from) {
			throw new IllegalArgumentException("slots " + from + ".." + to + " of " + slotFloats.length);
		}
		if (inMemory != null) {
			final float[] record = inMemory[tile];
			if (record == null) throw new IllegalStateException("tile " + tile + " was not stored");
			for (int s = from; s < to; s++) System.arraycopy(record, (int) slotOffset[s], into[s - from], 0, slotFloats[s]);
			return;
		}
		final int bytes = (int) ((slotOffset[to] - slotOffset[from]) * 4);
		if (readBuffer == null || readBuffer.capacity() < bytes) readBuffer = ByteBuffer.allocate(bytes).order(ByteOrder
			.nativeOrder());
		readBuffer.clear().limit(bytes);
		try {
			long position = ((long) tile * recordFloats + slotOffset[from]) * 4;
			while (readBuffer.hasRemaining()) {
				final int read = channel.read(readBuffer, position);
				if (read < 0) throw new IOException("the file ends early");
				position += read;
			}
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read back the tiles' maps from " + file + " (" + e.getMessage() + ")");
		}
		readBuffer.flip();
		final java.nio.FloatBuffer floats = readBuffer.asFloatBuffer();
		for (int s = from; s < to; s++) floats.get(into[s - from], 0, slotFloats[s]);
	}

	public int tiles() {
		return tiles;
	}

	@Override
	public void close() {
		if (channel == null) return;
		try {
			channel.close();
			Files.deleteIfExists(file);
		}
		catch (final IOException e) {
			// DELETE_ON_CLOSE has already removed it where the platform allows; nothing else to do
		}
	}
}
