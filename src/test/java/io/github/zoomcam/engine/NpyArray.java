package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A numeric array read from NumPy's .npy format (and .npz archives of them), as float values.
 * Bundles carry their self-test input this way, as bioimage.io models carry test tensors.
 */
public record NpyArray(long[] shape, float[] data) {

	private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)([fiub])(\\d+)'");
	private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
	private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

	public static NpyArray read(final Path path) throws IOException {
		return parse(Files.readAllBytes(path), path.getFileName().toString());
	}

	/** All arrays of an .npz archive, by name (without the .npy suffix), in archive order. */
	public static Map<String, NpyArray> readNpz(final InputStream in, final String what) throws IOException {
		final Map<String, NpyArray> arrays = new LinkedHashMap<>();
		try (ZipInputStream zip = new ZipInputStream(in)) {
			ZipEntry entry;
			while ((entry = zip.getNextEntry()) != null) {
				final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
				zip.transferTo(bytes);
				final String name = entry.getName().replaceFirst("\\.npy$", "");
				arrays.put(name, parse(bytes.toByteArray(), what + ":" + name));
			}
		}
		return arrays;
	}

	public static NpyArray parse(final byte[] bytes, final String what) {
		if (bytes.length < 10 || bytes[0] != (byte) 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
			throw new ZoomCamException(what + " is not a NumPy .npy file; re-export the bundle");
		}
		final ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		final int major = bytes[6];
		final int headerLength;
		final int headerStart;
		if (major == 1) {
			headerLength = Short.toUnsignedInt(buf.getShort(8));
			headerStart = 10;
		}
		else {
			headerLength = buf.getInt(8);
			headerStart = 12;
		}
		final String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
		final Matcher descr = DESCR.matcher(header);
		final Matcher fortran = FORTRAN.matcher(header);
		final Matcher shapeMatch = SHAPE.matcher(header);
		if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
			throw new ZoomCamException(what + " has an unreadable .npy header; re-export the bundle");
		}
		if ("True".equals(fortran.group(1))) {
			throw new ZoomCamException(what + " is stored in Fortran order; save it C-contiguous");
		}
		final long[] shape = Arrays.stream(shapeMatch.group(1).split(","))
			.map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
		final long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
		final ByteOrder order = ">".equals(descr.group(1)) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
		final char kind = descr.group(2).charAt(0);
		final int size = Integer.parseInt(descr.group(3));
		final ByteBuffer body = ByteBuffer.wrap(bytes, headerStart + headerLength,
			bytes.length - headerStart - headerLength).slice().order(order);
		if ((long) body.remaining() < count * size) {
			throw new ZoomCamException(what + " is truncated: " + body.remaining() + " bytes for " + count +
				" values; re-export the bundle");
		}
		final float[] data = new float[(int) count];
		for (int i = 0; i < count; i++) {
			data[i] = switch (kind + "" + size) {
				case "f4" -> body.getFloat(i * 4);
				case "f8" -> (float) body.getDouble(i * 8);
				case "i8" -> body.getLong(i * 8);
				case "i4" -> body.getInt(i * 4);
				case "u1" -> Byte.toUnsignedInt(body.get(i));
				case "b1" -> body.get(i);
				default -> throw new ZoomCamException(what + " has unsupported dtype " + kind + size);
			};
		}
		return new NpyArray(shape, data);
	}
}
