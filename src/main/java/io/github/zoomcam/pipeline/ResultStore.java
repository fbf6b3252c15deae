package io.github.zoomcam.pipeline;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.core.AtomicFiles;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An output folder of per-image result folders. Each result folder appears whole or not at all: it is
 * written under a temporary name beside its final one and renamed into place, replacing an older result
 * wholly. Results are keyed on their source file (path, size, modification time) and the hash of the
 * settings that made them, so a re-run skips exactly the images whose result is still current.
 *
 * <p>Opened {@link #exclusive}, the store holds an OS file lock on {@value #LOCK_FILE} (released by the
 * OS even when the process is killed), so a second process cannot write into the same folder, and removes
 * the temporaries a killed run left behind. Opened {@link #shared} (cluster tasks that each write their own
 * images), it takes no lock and cleans nothing.</p>
 */
public final class ResultStore implements AutoCloseable {

	public static final String LOCK_FILE = ".zoomcam.lock";
	static final String TEMPORARY_PREFIX = ".zoomcam-tmp-";
	static final String REPLACED_PREFIX = ".zoomcam-old-";

	private final Path root;
	private final FileChannel lockChannel;
	private final FileLock lock;

	private ResultStore(final Path root, final FileChannel lockChannel, final FileLock lock) {
		this.root = root;
		this.lockChannel = lockChannel;
		this.lock = lock;
	}

	/**
	 * Opens (creating) an output folder for this process alone: checks it is writable before any model work,
	 * refuses when another process writes into it, and removes what an interrupted run left behind.
	 */
	public static ResultStore exclusive(final Path folder) {
		final Path root = createFolder(folder);
		final Path lockFile = root.resolve(LOCK_FILE);
		FileChannel channel = null;
		try {
			channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
			final FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (final OverlappingFileLockException e) {
				throw new ZoomCamException("output folder " + root + " is being written by another run in this " +
					"program; wait for it to finish or choose another output folder");
			}
			if (lock == null) {
				throw new ZoomCamException("output folder " + root + " is being written by another Zoom-CAM process (" +
					holder(lockFile) + "); wait for it to finish or choose another output folder");
			}
			channel.truncate(0);
			channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(
				StandardCharsets.UTF_8)));
			channel.force(false);
			final ResultStore store = new ResultStore(root, channel, lock);
			store.removeLeftovers();
			return store;
		}
		catch (final IOException e) {
			closeQuietly(channel);
			throw new ZoomCamException("cannot write to output folder " + root + " (" + e.getMessage() +
				"); choose a writable folder");
		}
		catch (final RuntimeException e) {
			closeQuietly(channel);
			throw e;
		}
	}

	/** Opens (creating) an output folder that other processes write into too, each its own images. */
	public static ResultStore shared(final Path folder) {
		return new ResultStore(createFolder(folder), null, null);
	}

	public Path root() {
		return root;
	}

	/** The final folder of a result name. */
	public Path folder(final String name) {
		return root.resolve(name);
	}

	/**
	 * Whether the folder holds a complete result of this source made with these settings: a result.json
	 * whose source path, size, modification time and settings hash all match.
	 */
	public boolean isCurrent(final String name, final SourceFile source, final String settingsHash) {
		final Path json = folder(name).resolve(ResultFolder.RESULT_JSON);
		if (!Files.isRegularFile(json)) return false;
		try {
			final JsonObject root = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8))
				.getAsJsonObject();
			return source.matches(root.getAsJsonObject("source")) && root.has("settings_hash") && root.get(
				"settings_hash").getAsString().equals(settingsHash);
		}
		catch (final IOException | RuntimeException e) {
			return false;
		}
	}

	/** Whether the folder holds any result.json (complete, current or not). */
	public boolean hasResult(final String name) {
		return Files.isRegularFile(folder(name).resolve(ResultFolder.RESULT_JSON));
	}

	/** A new, empty temporary folder beside the final folder of {@code name}, to write a result into. */
	public Path begin(final String name) {
		final Path temporary = root.resolve(TEMPORARY_PREFIX + name + "-" + UUID.randomUUID());
		try {
			return Files.createDirectory(temporary);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot create " + temporary + " (" + e.getMessage() +
				"); check the output folder is writable and the disk has space");
		}
	}

	/**
	 * Renames a written temporary folder into place, replacing an existing result wholly. A crash between
	 * the two renames leaves no result (the next run redoes the image), never a mixed one.
	 */
	public Path commit(final Path temporary, final String name) {
		final Path target = folder(name);
		try {
			if (Files.exists(target)) {
				final Path replaced = root.resolve(REPLACED_PREFIX + name + "-" + UUID.randomUUID());
				move(target, replaced);
				move(temporary, target);
				deleteTree(replaced);
			}
			else {
				move(temporary, target);
			}
			return target;
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot move the result of " + name + " into " + root + " (" + e.getMessage() +
				"); check the output folder is writable");
		}
	}

	/** Removes a temporary folder whose result will not be committed. */
	public void abort(final Path temporary) {
		try {
			deleteTree(temporary);
		}
		catch (final IOException e) {
			// a leftover temporary is removed by the next exclusive run
		}
	}

	/**
	 * Result folder names for a list of sources, deterministic for a given list: the file name without
	 * extension, made safe; where several sources share it, the extension is added ({@code good_tif},
	 * {@code good_png}); where that still collides (same name in several sub-folders), a short hash of the
	 * source's absolute path.
	 */
	public static Map<Path, String> folderNames(final List<Path> sources) {
		final Map<String, List<Path>> byStem = new HashMap<>();
		for (final Path p : sources) byStem.computeIfAbsent(stem(p), k -> new ArrayList<>()).add(p);
		final Map<String, List<Path>> byStemAndExtension = new HashMap<>();
		for (final Path p : sources) byStemAndExtension.computeIfAbsent(stemAndExtension(p), k -> new ArrayList<>())
			.add(p);
		final Map<Path, String> names = new LinkedHashMap<>();
		for (final Path p : sources) {
			if (byStem.get(stem(p)).size() == 1) names.put(p, stem(p));
			else if (byStemAndExtension.get(stemAndExtension(p)).size() == 1) names.put(p, stemAndExtension(p));
			else names.put(p, stemAndExtension(p) + "_" + shortHash(p.toAbsolutePath().normalize().toString()));
		}
		return names;
	}

	/** A file-name-safe version of a name: runs of other characters than A-Z a-z 0-9 . _ - become "_". */
	public static String safeName(final String name) {
		final String safe = name.replaceAll("[^A-Za-z0-9._-]+", "_");
		// names starting with '.' would be hidden, and ours are reserved for temporaries
		return safe.startsWith(".") ? "_" + safe.substring(1) : safe.isEmpty() ? "_" : safe;
	}

	static String stem(final Path p) {
		final String file = p.getFileName() == null ? "image" : p.getFileName().toString();
		final int dot = file.lastIndexOf('.');
		return safeName(dot > 0 ? file.substring(0, dot) : file);
	}

	private static String stemAndExtension(final Path p) {
		final String file = p.getFileName() == null ? "image" : p.getFileName().toString();
		final int dot = file.lastIndexOf('.');
		return dot > 0 ? stem(p) + "_" + safeName(file.substring(dot + 1).toLowerCase(Locale.ROOT)) : stem(p);
	}

	private static String shortHash(final String text) {
		try {
			final byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java has SHA-256", e);
		}
	}

	/** Releases the lock (an exclusive store); the lock file stays, empty of meaning once unlocked. */
	@Override
	public void close() {
		try {
			if (lock != null && lock.isValid()) lock.release();
		}
		catch (final IOException e) {
			// the OS releases it when the channel closes
		}
		closeQuietly(lockChannel);
	}

	/**
	 * Removes the temporary and replaced result folders and half-written files that a killed run left
	 * behind. Only the holder of the lock may: a Spark driver calls it again after its job, once no task of
	 * the job writes any more, to remove what failed task attempts left.
	 */
	public void removeLeftovers() throws IOException {
		if (lock == null) throw new IllegalStateException("only an exclusive store removes leftovers");
		try (Stream<Path> entries = Files.list(root)) {
			for (final Path p : entries.toList()) {
				final String name = p.getFileName().toString();
				if (name.startsWith(TEMPORARY_PREFIX) || name.startsWith(REPLACED_PREFIX) || name.startsWith(
					AtomicFiles.TEMPORARY_PREFIX))
				{
					deleteTree(p);
				}
			}
		}
	}

	private static Path createFolder(final Path folder) {
		if (folder == null) throw new ZoomCamException("no output folder given");
		final Path root = folder.toAbsolutePath().normalize();
		if (Files.exists(root) && !Files.isDirectory(root)) {
			throw new ZoomCamException("output folder " + root + " is a file; choose a folder");
		}
		try {
			Files.createDirectories(root);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot create output folder " + root + " (" + e.getMessage() +
				"); choose a writable folder");
		}
		requireWritable(root);
		return root;
	}

	/**
	 * Creates and removes a file in the folder: a folder whose permissions, mount or quota refuse new files
	 * is reported now, before any image is computed, not once per image afterwards.
	 */
	public static void requireWritable(final Path folder) {
		try {
			Files.delete(Files.createTempFile(folder, TEMPORARY_PREFIX + "probe-", ""));
		}
		catch (final IOException | SecurityException e) {
			throw new ZoomCamException("cannot write to output folder " + folder + " (" + e.getClass().getSimpleName() +
				(e.getMessage() == null ? "" : ": " + e.getMessage()) + "); choose a writable folder");
		}
	}

	private static String holder(final Path lockFile) {
		try {
			final String text = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
			return text.isEmpty() ? "pid unknown" : text;
		}
		catch (final IOException e) {
			return "pid unknown";
		}
	}

	private static void move(final Path from, final Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (final AtomicMoveNotSupportedException e) {
			Files.move(from, to);
		}
	}

	static void deleteTree(final Path path) throws IOException {
		if (!Files.exists(path)) return;
		try (Stream<Path> walk = Files.walk(path)) {
			for (final Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
		}
	}

	private static void closeQuietly(final FileChannel channel) {
		if (channel == null) return;
		try {
			channel.close();
		}
		catch (final IOException e) {
			// nothing more to release
		}
	}
}
