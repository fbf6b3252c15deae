package io.github.zoomcam.core;

import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files under a temporary name in the target folder and renames them into place, so a crash or a
 * full disk never leaves a half-written result where a user (or the next batch run) would trust it.
 */
public final class AtomicFiles {

	/** Something that writes a complete file at the given (temporary) path. */
	@FunctionalInterface
	public interface FileWriter {

		void write(Path temporary) throws IOException;
	}

	/** Temporary files start with this; a store removes leftovers of a killed run. */
	public static final String TEMPORARY_PREFIX = ".part-";

	private AtomicFiles() {}

	public static void write(final Path target, final FileWriter writer) {
		final Path dir = target.toAbsolutePath().getParent();
		Path temporary = null;
		try {
			Files.createDirectories(dir);
			final String name = target.getFileName().toString();
			final int dot = name.lastIndexOf('.');
			// Keep the extension: ImageJ's savers choose the format from it.
			temporary = Files.createTempFile(dir, TEMPORARY_PREFIX + (dot > 0 ? name.substring(0, dot) : name) + "-",
				dot > 0 ? name.substring(dot) : "");
			writer.write(temporary);
			makeReadableByOthers(temporary);
			try {
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (final AtomicMoveNotSupportedException e) {
				Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot write " + target + " (" + e.getMessage() +
				"); check the folder is writable and the disk has space");
		}
		finally {
			if (temporary != null) {
				try {
					Files.deleteIfExists(temporary);
				}
				catch (final IOException e) {
					// nothing more to do: the temporary name starts with ".part-"
				}
			}
		}
	}

	/** Temporary files are created owner-only; results should get the usual rw-r--r--. */
	private static void makeReadableByOthers(final Path file) throws IOException {
		if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
		}
	}

	public static void writeString(final Path target, final String text) {
		write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
	}
}
