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
 */
public record SourceFile(Path path, long size, long modifiedMillis) {

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
		return o;
	}

	/** Whether a result.json "source" object describes this file as it is now. */
	public boolean matches(final JsonObject source) {
		return source != null && source.has("path") && path.toString().equals(source.get("path").getAsString()) &&
			source.has("size") && source.get("size").getAsLong() == size && source.has("modified_ms") && source.get(
				"modified_ms").getAsLong() == modifiedMillis;
	}
}
