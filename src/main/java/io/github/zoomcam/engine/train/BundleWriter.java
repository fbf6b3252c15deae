package io.github.zoomcam.engine.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a bundle the way tools/export_model.py does (model.pt, zoomcam.json, test_input.npy), into a
 * temporary folder next to the target; loads it with the engine (which runs the self-test) and only then
 * renames it into place, so a bundle at the target path is always complete. A path ending in .zip gets a
 * single-file bundle.
 */
final class BundleWriter {

	static final String MODEL = "model.pt";
	static final String MANIFEST = "zoomcam.json";
	static final String TEST_INPUT = "test_input.npy";

	private BundleWriter() {}

	/** Fails when the target exists and may not be replaced; call before training, and again when writing. */
	static Path checkTarget(final Path out, final boolean overwrite) {
		if (out == null) throw new ZoomCamException("no output bundle given: name a folder (or .zip) with --out");
		final Path target = out.toAbsolutePath().normalize();
		if (Files.exists(target) && !overwrite) {
			throw new ZoomCamException("the output bundle " + target + " already exists; choose another --out, or add " +
				"--overwrite (overwrite=true in Fiji) to replace it");
		}
		if (Files.exists(target) && Files.isDirectory(target) == isZip(target)) {
			throw new ZoomCamException(target + " exists and is " + (isZip(target) ? "a folder" : "a file") +
				"; choose another --out");
		}
		requireWritable(target.getParent());
		return target;
	}

	/**
	 * Fails unless a file can be made in the folder, or (when it does not exist yet) in its nearest existing
	 * ancestor: a probe file is created and deleted, so read-only folders are refused before hours of training.
	 */
	static void requireWritable(final Path folder) {
		Path existing = folder;
		while (existing != null && !Files.exists(existing)) existing = existing.getParent();
		if (existing == null) return;
		if (!Files.isDirectory(existing)) {
			throw new ZoomCamException("cannot write the bundle into " + folder + ": " + existing + " is a file; " +
				"choose another --out");
		}
		try {
			Files.delete(Files.createTempFile(existing, ".zoomcam-probe-", ""));
		}
		catch (final IOException | SecurityException e) {
			throw new ZoomCamException("cannot write the bundle into " + folder + " (" + existing + " is not " +
				"writable: " + e.getClass().getSimpleName() + "); choose a writable folder for --out");
		}
	}

	/**
	 * @param manifest zoomcam.json; its model_sha256 and layer_names_sha256 are filled in here (the engine checks
	 *          both when it loads the bundle, as it does for tools/export_model.py's bundles)
	 * @return the written bundle's path
	 */
	static Path write(final Path out, final boolean overwrite, final byte[] module, final JsonObject manifest,
		final long[] testShape, final float[] testInput, final DeviceChoice verifyOn, final Consumer<String> warnings)
	{
		final Path target = checkTarget(out, overwrite);
		final Path parent = target.getParent();
		final String stamp = Long.toString(System.nanoTime(), 36);
		final Path staging = parent.resolve("." + target.getFileName() + ".part-" + stamp);
		try {
			Files.createDirectories(parent);
			Files.createDirectories(staging);
			Files.write(staging.resolve(MODEL), module);
			Files.write(staging.resolve(TEST_INPUT), npy(testShape, testInput));
			final String modelSha256 = sha256(module);
			manifest.addProperty(BundleManifest.MODEL_SHA256, modelSha256);
			manifest.addProperty(BundleManifest.LAYER_NAMES_SHA256, BundleManifest.layerNamesChecksum(modelSha256,
				layerNames(manifest)));
			Files.writeString(staging.resolve(MANIFEST), new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
				.create().toJson(manifest) + "\n", StandardCharsets.UTF_8);
			try (ModelBundle check = ModelBundle.load(staging, verifyOn, warnings)) {
				if (!check.selfTest().performed() || !check.selfTest().passed()) {
					throw new ZoomCamException("the trained bundle did not pass its self-test (" + check.selfTest() +
						"); please report this");
				}
			}
			if (isZip(target)) {
				final Path zipPart = parent.resolve("." + target.getFileName() + ".part-" + stamp + ".zip");
				zip(staging, zipPart);
				replace(zipPart, target, stamp);
			}
			else {
				replace(staging, target, stamp);
			}
			return target;
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot write the bundle " + target + " (" + e.getMessage() +
				"); check the folder is writable and has free space");
		}
		finally {
			TrainableNetwork.deleteQuietly(staging);
		}
	}

	/** The names of zoomcam.json's layers, in order (what the engine's layer-name checksum covers). */
	static List<String> layerNames(final JsonObject manifest) {
		final List<String> names = new ArrayList<>();
		for (final JsonElement layer : manifest.getAsJsonArray("layers")) {
			names.add(layer.getAsJsonObject().get("name").getAsString());
		}
		return names;
	}

	/** Moves source onto target; an existing target is moved aside first and deleted after. */
	private static void replace(final Path source, final Path target, final String stamp) throws IOException {
		Path old = null;
		if (Files.exists(target)) {
			old = target.resolveSibling("." + target.getFileName() + ".old-" + stamp);
			move(target, old);
		}
		move(source, target);
		if (old != null) {
			if (Files.isDirectory(old)) TrainableNetwork.deleteQuietly(old);
			else Files.deleteIfExists(old);
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

	private static void zip(final Path folder, final Path zipFile) throws IOException {
		try (OutputStream file = Files.newOutputStream(zipFile); ZipOutputStream zip = new ZipOutputStream(file)) {
			for (final String entry : new String[] {MODEL, MANIFEST, TEST_INPUT}) {
				zip.putNextEntry(new ZipEntry(entry));
				Files.copy(folder.resolve(entry), zip);
				zip.closeEntry();
			}
		}
	}

	private static boolean isZip(final Path path) {
		return path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip");
	}

	/** A little-endian float32 .npy file (format 1.0), as numpy.save writes it. */
	static byte[] npy(final long[] shape, final float[] values) {
		final String dims = java.util.Arrays.stream(shape).mapToObj(Long::toString).collect(java.util.stream.Collectors
			.joining(", ")) + (shape.length == 1 ? "," : "");
		String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
		final int unpadded = 10 + header.length() + 1;
		header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
		final ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(
			ByteOrder.LITTLE_ENDIAN);
		buffer.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
		buffer.putShort((short) header.length());
		buffer.put(header.getBytes(StandardCharsets.US_ASCII));
		for (final float v : values) buffer.putFloat(v);
		return buffer.array();
	}

	static String sha256(final byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java has SHA-256", e);
		}
	}
}
