package io.github.zoomcam.pipeline;

import com.google.gson.JsonObject;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An input file as a result is keyed on it: absolute path, size and modification time. A result made
 * from another file, or from this file before it changed, is not reused.
 *
 * @param path absolute, normalised path
 * @param size bytes
 * @param modifiedMillis last modification, milliseconds since the epoch
 * @param opener the reader that opened it (Bio-Formats or ImageJ), null before it is opened; not part of
 *        the key
 * @param openerNote why the preferred reader did not open it (Bio-Formats' error), or null
 */
public record SourceFile(Path path, long size, long modifiedMillis, String opener, String openerNote) {

	public SourceFile(final Path path, final long size, final long modifiedMillis) {
		this(path, size, modifiedMillis, null, null);
	}

	/** The same file, recorded as read by this opener. */
	public SourceFile withOpener(final String name, final String note) {
		return new SourceFile(path, size, modifiedMillis, name, note);
	}

	/** Reads size and modification time; a missing or unreadable file fails with one line. */
	public static SourceFile of(final Path file) {
		final Path path = file.toAbsolutePath().normalize();
		if (!Files.isRegularFile(path)) throw new ZoomCamException("image not found: " + file);
		try {
			return new SourceFile(path, Files.size(path), Files.getLastModifiedTime(path).toMillis());
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read " + file + " (" + e.getMessage() + ")");
		}
	}

	public JsonObject toJson() {
		final JsonObject o = new JsonObject();
		o.addProperty("path", path.toString());
		o.addProperty("size", size);
		o.addProperty("modified_ms", modifiedMillis);
		if (opener != null) o.addProperty("opener", opener);
		if (openerNote != null) o.addProperty("opener_note", openerNote);
		return o;
	}

	/** Whether a result.json "source" object describes this file as it is now. */
	public boolean matches(final JsonObject source) {
		return source != null && source.has("path") && path.toString().equals(source.get("path").getAsString()) &&
			source.has("size") && source.get("size").getAsLong() == size && source.has("modified_ms") && source.get(
				"modified_ms").getAsLong() == modifiedMillis;
	}
}
