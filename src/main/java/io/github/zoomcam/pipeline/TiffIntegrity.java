package io.github.zoomcam.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a TIFF file holds every byte its directories declare. Readers (ImageJ's and Bio-Formats') fill
 * the pixels of a file cut short with zeros and say nothing, so a truncated copy would be explained as if
 * it were whole. This reads only the header and the image file directories (classic TIFF and BigTIFF,
 * strips and tiles) and compares the end of the last strip or tile with the file's size.
 */
public final class TiffIntegrity {

	private static final int STRIP_OFFSETS = 273;
	private static final int STRIP_BYTE_COUNTS = 279;
	private static final int TILE_OFFSETS = 324;
	private static final int TILE_BYTE_COUNTS = 325;
	/** More directories than any real stack has: a loop or garbage. */
	private static final int MAX_DIRECTORIES = 1_000_000;

	private TiffIntegrity() {}

	/** Whether the file starts like a TIFF (II*\0, MM\0*, or BigTIFF's +). */
	public static boolean isTiff(final Path file) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			final ByteBuffer head = ByteBuffer.allocate(4);
			if (channel.read(head, 0) < 4) return false;
			final int b0 = head.get(0), b1 = head.get(1), b2 = head.get(2), b3 = head.get(3);
			return b0 == 'I' && b1 == 'I' && (b2 == 42 || b2 == 43) && b3 == 0 || b0 == 'M' && b1 == 'M' && b2 == 0 &&
				(b3 == 42 || b3 == 43);
		}
		catch (final IOException e) {
			return false;
		}
	}

	/**
	 * Why the TIFF file is incomplete (one line naming the file, the bytes declared and present), or null
	 * when every directory and every strip or tile lies inside the file. Not a TIFF: null.
	 */
	public static String problem(final Path file) {
		if (!isTiff(file)) return null;
		final String name = String.valueOf(file.getFileName());
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			final long size = channel.size();
			final Reader r = new Reader(channel);
			r.order(r.bytes(0, 2).get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
			final boolean big = r.u16(2) == 43;
			long directory = big ? r.u64(8) : r.u32(4);
			if (directory == 0) return name + " has no image in it (an empty TIFF); export it again";
			long dataEnd = 0;
			final Set<Long> seen = new HashSet<>();
			int count = 0;
			while (directory != 0) {
				if (!seen.add(directory) || ++count > MAX_DIRECTORIES) {
					return name + " is damaged: its image directories loop; export it again";
				}
				final int entrySize = big ? 20 : 12;
				final int countSize = big ? 8 : 2;
				if (directory + countSize > size) return truncatedHeader(name, directory + countSize, size);
				final long entries = big ? r.u64(directory) : r.u16(directory);
				final long next = directory + countSize + entries * entrySize;
				if (next + (big ? 8 : 4) > size) return truncatedHeader(name, next + (big ? 8 : 4), size);
				long[] offsets = null;
				long[] counts = null;
				for (long e = 0; e < entries; e++) {
					final long at = directory + countSize + e * entrySize;
					final int tag = r.u16(at);
					if (tag == STRIP_OFFSETS || tag == TILE_OFFSETS) offsets = r.values(at, big, size);
					else if (tag == STRIP_BYTE_COUNTS || tag == TILE_BYTE_COUNTS) counts = r.values(at, big, size);
				}
				if (offsets == null || counts == null) {
					return name + " is damaged: an image directory has no strip or tile table; export it again";
				}
				if (offsets.length != counts.length) {
					return name + " is damaged: " + offsets.length + " strip offsets but " + counts.length + " strip " +
						"sizes; export it again";
				}
				for (int i = 0; i < offsets.length; i++) dataEnd = Math.max(dataEnd, offsets[i] + counts[i]);
				directory = big ? r.u64(next) : r.u32(next);
			}
			if (dataEnd > size) {
				return name + " is truncated: its pixel data needs " + dataEnd + " bytes but the file has " + size +
					" (an incomplete copy or an interrupted save); copy or export it again";
			}
			return null;
		}
		catch (final Truncated e) {
			return truncatedHeader(name, e.needed, e.size);
		}
		catch (final IOException e) {
			return "cannot read " + name + " (" + e.getMessage() + ")";
		}
	}

	private static String truncatedHeader(final String name, final long needed, final long size) {
		return name + " is truncated: its TIFF header and image directories need " + needed + " bytes but the file has " + size +
			" (an incomplete copy or an interrupted save); copy or export it again";
	}

	/** A read past the end of the file. */
	private static final class Truncated extends IOException {

		private static final long serialVersionUID = 1L;
		final long needed;
		final long size;

		Truncated(final long needed, final long size) {
			super("truncated");
			this.needed = needed;
			this.size = size;
		}
	}

	/** Positioned reads in the file's byte order. */
	private static final class Reader {

		private final FileChannel channel;
		private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

		Reader(final FileChannel channel) {
			this.channel = channel;
		}

		void order(final ByteOrder value) {
			order = value;
		}

		ByteBuffer bytes(final long at, final int n) throws IOException {
			final ByteBuffer b = ByteBuffer.allocate(n).order(order);
			if (at < 0 || at + n > channel.size()) throw new Truncated(at + n, channel.size());
			while (b.hasRemaining()) {
				if (channel.read(b, at + b.position()) < 0) throw new Truncated(at + n, channel.size());
			}
			return b.flip();
		}

		int u16(final long at) throws IOException {
			return bytes(at, 2).getShort() & 0xffff;
		}

		long u32(final long at) throws IOException {
			return bytes(at, 4).getInt() & 0xffffffffL;
		}

		long u64(final long at) throws IOException {
			final long v = bytes(at, 8).getLong();
			if (v < 0) throw new IOException("an offset beyond 2^63");
			return v;
		}

		/** The values of a SHORT, LONG or LONG8 entry, inline or at their offset. */
		long[] values(final long entry, final boolean big, final long fileSize) throws IOException {
			final int type = u16(entry + 2);
			final long n = big ? u64(entry + 4) : u32(entry + 4);
			final int width = switch (type) {
				case 3 -> 2;
				case 4, 13 -> 4;
				case 16, 18 -> 8;
				default -> throw new IOException("strip table of TIFF type " + type);
			};
			if (n > fileSize / width + 1 || n > Integer.MAX_VALUE) throw new Truncated(n * width, fileSize);
			final long inline = big ? 8 : 4;
			final long at = n * width <= inline ? entry + (big ? 12 : 8) : big ? u64(entry + 12) : u32(entry + 8);
			final ByteBuffer b = bytes(at, (int) (n * width));
			final long[] out = new long[(int) n];
			for (int i = 0; i < out.length; i++) {
				out[i] = switch (width) {
					case 2 -> b.getShort() & 0xffff;
					case 4 -> b.getInt() & 0xffffffffL;
					default -> b.getLong();
				};
			}
			return out;
		}
	}
}
