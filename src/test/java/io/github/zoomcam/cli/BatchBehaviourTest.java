package io.github.zoomcam.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.Fixtures;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch runner's promises, through ./zoomcam explain: one bad file costs only itself, results are
 * keyed on their source and settings, result folders appear whole or not at all, and one output folder
 * has one writer.
 */
class BatchBehaviourTest {

	@TempDir
	Path tmp;

	private ExplainCliTest.Run explain(final Path out, final String... more) {
		final List<String> args = new ArrayList<>(List.of("explain", "--model", Fixtures.BUNDLE.toString(), "--out",
			out.toString(), "--device", "cpu"));
		args.addAll(List.of(more));
		return ExplainCliTest.run(args.toArray(String[]::new));
	}

	private static JsonObject resultJson(final Path folder) throws IOException {
		return JsonParser.parseString(Files.readString(folder.resolve("result.json"))).getAsJsonObject();
	}

	private static Set<String> names(final Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	@Test
	void headerTruncatedAndEmptyFilesFailAloneAndEveryGoodImageIsExplained() throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		final Path a = Files.copy(Fixtures.RGB_IMAGE, in.resolve("a.png"));
		// The first 40 bytes of a real TIFF: a header whose first directory lies beyond the end of the file.
		final byte[] tiff = Files.readAllBytes(Fixtures.GREY16_IMAGE);
		final Path truncated = Files.write(in.resolve("b_truncated.tif"), java.util.Arrays.copyOf(tiff, 40));
		final Path empty = Files.write(in.resolve("c_empty.tif"), new byte[0]);
		final Path d = Files.copy(Fixtures.GREY16_IMAGE, in.resolve("d.tif"));
		final Path out = tmp.resolve("out");

		final ExplainCliTest.Run r = explain(out, "--batch", "2", a.toString(), truncated.toString(), empty.toString(), d
			.toString());
		assertEquals(1, r.code(), "some images failed: exit 1\n" + r.err());
		assertFalse(r.err().contains("\tat "), "no stack trace\n" + r.err());
		assertTrue(Files.isRegularFile(out.resolve("a").resolve("result.json")), r.err());
		assertTrue(Files.isRegularFile(out.resolve("d").resolve("result.json")), r.err());
		assertFalse(Files.exists(out.resolve("b_truncated")));
		assertFalse(Files.exists(out.resolve("c_empty")));
		final List<String> failures = r.err().lines().filter(l -> l.contains("failed:")).toList();
		assertEquals(2, failures.size(), r.err());
		assertTrue(failures.get(0).contains("b_truncated.tif"), failures.get(0));
		assertTrue(failures.get(1).contains("c_empty.tif"), failures.get(1));
		assertTrue(r.err().contains("done: 2 explained, 0 skipped, 2 failed"), r.err());
	}

	@Test
	void reRunsSkipCurrentResultsAndRedoChangedSettingsChangedFilesAndOverwrites() throws IOException {
		final Path image = Files.copy(Fixtures.RGB_IMAGE, tmp.resolve("cells.png"));
		final Path out = tmp.resolve("out");
		final Path folder = out.resolve("cells");
		assertEquals(0, explain(out, "--method", "zoomcam,gradcam", image.toString()).code());
		final JsonObject first = resultJson(folder);
		assertEquals(image.toAbsolutePath().toString(), first.getAsJsonObject("source").get("path").getAsString());
		assertEquals(Files.size(image), first.getAsJsonObject("source").get("size").getAsLong());
		assertTrue(names(folder).contains("heatmaps-gradcam.tif"));

		final ExplainCliTest.Run same = explain(out, "--method", "zoomcam,gradcam", image.toString());
		assertEquals(0, same.code());
		assertTrue(same.err().contains("skipped, a current result exists"), same.err());

		// Other settings: redone, and the folder is replaced wholly (no stack of the earlier run remains).
		final ExplainCliTest.Run changed = explain(out, "--refine", "none", image.toString());
		assertTrue(changed.err().contains("done: 1 explained"), changed.err());
		final JsonObject second = resultJson(folder);
		assertNotEquals(first.get("settings_hash").getAsString(), second.get("settings_hash").getAsString());
		assertEquals("none", second.getAsJsonObject("settings").get("refine").getAsString());
		assertFalse(names(folder).contains("heatmaps-gradcam.tif"), "no file of the earlier run");
		// A refinement option is a setting too; with refine none the image-guided options change nothing.
		assertTrue(explain(out, "--refine", "none", "--refine-sigma", "2", image.toString()).err().contains(
			"skipped"), "refine-* options do not apply to --refine none");
		assertTrue(explain(out, "--refine", "none", "--threshold", "0.5", image.toString()).err().contains(
			"done: 1 explained"));
		assertTrue(explain(out, "--refine-sigma", "2", image.toString()).err().contains("done: 1 explained"));
		final String sigma2 = resultJson(folder).get("settings_hash").getAsString();
		assertTrue(explain(out, "--refine-sigma", "2", image.toString()).err().contains("skipped"));
		assertTrue(explain(out, "--refine-sigma", "1", image.toString()).err().contains("done: 1 explained"));
		assertNotEquals(sigma2, resultJson(folder).get("settings_hash").getAsString());

		// The same settings again: skipped; the source file changed: redone.
		assertTrue(explain(out, "--refine", "none", "--threshold", "0.5", image.toString()).err().contains(
			"done: 1 explained"));
		assertTrue(explain(out, "--refine", "none", "--threshold", "0.5", image.toString()).err().contains("skipped"));
		Files.setLastModifiedTime(image, FileTime.fromMillis(Files.getLastModifiedTime(image).toMillis() + 5000));
		assertTrue(explain(out, "--refine", "none", "--threshold", "0.5", image.toString()).err().contains(
			"done: 1 explained"));
		assertTrue(explain(out, "--refine", "none", "--threshold", "0.5", "--overwrite", image.toString()).err()
			.contains("done: 1 explained"));
	}

	@Test
	void twoRunsWithOverwriteWriteByteIdenticalFolders() throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		final Path a = Files.copy(Fixtures.RGB_IMAGE, in.resolve("a.png"));
		final Path b = Files.copy(Fixtures.GREY16_IMAGE, in.resolve("b.tif"));
		final Path out = tmp.resolve("out");
		// the default (image-guided) refinement
		final String[] args = { "--target", "top2", "--overwrite", a.toString(), b.toString() };

		final ExplainCliTest.Run first = explain(out, args);
		assertEquals(0, first.code(), first.err());
		final java.util.Map<String, byte[]> before = contents(out);
		final ExplainCliTest.Run second = explain(out, args);
		assertEquals(0, second.code(), second.err());
		assertTrue(second.err().contains("done: 2 explained, 0 skipped"), "--overwrite redid both\n" + second.err());
		final java.util.Map<String, byte[]> after = contents(out);

		assertEquals(before.keySet(), after.keySet());
		assertTrue(before.keySet().containsAll(Set.of("a/result.json", "a/rois.zip", "a/overlay.png", "b/labels.tif",
			"b/mask.tif", "b/boxes.csv", "a/instances.tif", "b/instances.tif")), before.keySet().toString());
		assertEquals(2, before.keySet().stream().filter(f -> f.startsWith("a/heatmaps-")).count(), "two classes");
		for (final String file : before.keySet()) {
			assertTrue(java.util.Arrays.equals(before.get(file), after.get(file)), file + " differs between two runs");
		}
		// Entry times are what made rois.zip differ between runs; a fixed time is the fix, seen directly.
		try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(Files.newInputStream(out.resolve(
			"a/rois.zip"))))
		{
			int entries = 0;
			for (java.util.zip.ZipEntry e; (e = zip.getNextEntry()) != null; entries++) {
				assertEquals(java.time.LocalDateTime.of(1980, 1, 1, 0, 0), e.getTimeLocal(), e.getName());
			}
			assertTrue(entries >= 2, "an outline and a box at least");
		}
	}

	/** Every file under a result folder (lock file and hidden names aside), by relative path. */
	private static java.util.Map<String, byte[]> contents(final Path out) throws IOException {
		final java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
		try (Stream<Path> walk = Files.walk(out)) {
			for (final Path p : walk.filter(Files::isRegularFile).toList()) {
				final String relative = out.relativize(p).toString();
				if (!relative.startsWith(".")) files.put(relative, Files.readAllBytes(p));
			}
		}
		return files;
	}

	@Test
	void sourcesWithTheSameStemGetDistinctFoldersWhateverTheOrder() throws IOException {
		final Path png = Files.copy(Fixtures.RGB_IMAGE, tmp.resolve("good.png"));
		final Path tif = Files.copy(Fixtures.GREY16_IMAGE, tmp.resolve("good.tif"));
		final Path out = tmp.resolve("out");
		assertEquals(0, explain(out, tif.toString(), png.toString()).code());
		assertEquals(png.toAbsolutePath().toString(), resultJson(out.resolve("good_png")).getAsJsonObject("source")
			.get("path").getAsString());
		assertEquals(tif.toAbsolutePath().toString(), resultJson(out.resolve("good_tif")).getAsJsonObject("source")
			.get("path").getAsString());
		final ExplainCliTest.Run reversed = explain(out, png.toString(), tif.toString());
		assertTrue(reversed.err().contains("done: 0 explained, 2 skipped"), reversed.err());
	}

	/**
	 * A second process writing into the folder is refused with the holder's pid; after that process is
	 * killed with SIGKILL, a re-run removes its temporaries and every folder is whole.
	 */
	@Test
	void aSecondWriterIsRefusedAndAKilledRunLeavesNothingHalfWritten() throws Exception {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		final List<String> images = new ArrayList<>();
		for (int i = 0; i < 150; i++) {
			images.add(Files.copy(Fixtures.RGB_IMAGE, in.resolve(String.format("img%03d.png", i))).toString());
		}
		final Path out = tmp.resolve("out");
		final List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
			"-Djava.awt.headless=true", "io.github.zoomcam.cli.Main", "explain", "--model", Fixtures.BUNDLE.toString(),
			"--out", out.toString(), "--device", "cpu", "--method", "all", "--scorecam-channels", "0"));
		command.addAll(images);
		final Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve(
			"child.log").toFile()).start();
		try {
			final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
			while (!Files.exists(out.resolve("img002").resolve("result.json")) && System.nanoTime() < deadline) {
				assertTrue(child.isAlive(), () -> "the child ended early: " + log(tmp.resolve("child.log")));
				Thread.sleep(50);
			}
			assertTrue(child.isAlive(), "the child is still writing");
			final ExplainCliTest.Run second = explain(out, images.get(0));
			assertEquals(2, second.code(), second.err());
			assertTrue(second.err().contains("another Zoom-CAM process") && second.err().contains("pid " + child
				.pid()), second.err());
		}
		finally {
			child.destroyForcibly();
			child.waitFor(30, TimeUnit.SECONDS);
		}

		final ExplainCliTest.Run rerun = explain(out, "--method", "all", "--scorecam-channels", "0", images.get(0),
			images.get(1), images.get(2), images.get(3));
		assertEquals(0, rerun.code(), rerun.err());
		for (final String name : names(out)) {
			assertFalse(name.startsWith(".zoomcam-tmp-") || name.startsWith(".zoomcam-old-") || name.startsWith(
				".part-"), "left over: " + name);
		}
		final Set<String> complete = names(out.resolve("img000"));
		for (final String name : names(out)) {
			if (name.startsWith(".")) continue;
			assertEquals(complete, names(out.resolve(name)), name + " is whole");
		}
	}

	private static String log(final Path file) {
		try {
			return Files.readString(file);
		}
		catch (final IOException e) {
			return e.toString();
		}
	}
}
