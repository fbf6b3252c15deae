package io.github.zoomcam.cli;

import io.github.zoomcam.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak command at test size: 40 synthetic images, 4 of them cut short (2 in the header, 2 in the pixel
 * data), through the batch runner. Checked here from the files themselves: the cut files are those whose
 * size differs from the others' (synthetic images of one size and type have one file size), and exactly
 * those have no result folder.
 */
class SoakTest {

	@TempDir
	Path tmp;

	@Test
	void everyGoodImageIsExplainedAndEveryCutOneSkippedWithItsReason() throws IOException {
		final Path out = tmp.resolve("soak");
		final ExplainCliTest.Run r = ExplainCliTest.run("soak", "--n", "40", "--bad", "4", "--model", Fixtures.BUNDLE
			.toString(), "--out", out.toString(), "--device", "cpu", "--size", "128");
		assertEquals(0, r.code(), r.out() + r.err());
		final Path images = out.resolve("data").resolve("images");
		final Map<Long, List<Path>> bySize;
		try (Stream<Path> files = Files.list(images)) {
			bySize = files.collect(Collectors.groupingBy(p -> {
				try {
					return Files.size(p);
				}
				catch (final IOException e) {
					throw new java.io.UncheckedIOException(e);
				}
			}));
		}
		final long common = bySize.entrySet().stream().max(Map.Entry.comparingByValue((a, b) -> a.size() - b.size()))
			.orElseThrow().getKey();
		assertEquals(36, bySize.get(common).size(), "36 whole files of one size: " + bySize.keySet());
		final List<Path> cut = bySize.entrySet().stream().filter(e -> e.getKey() != common).flatMap(e -> e.getValue()
			.stream()).sorted().toList();
		assertEquals(4, cut.size());
		final Path results = out.resolve("results");
		for (final Path file : cut) {
			final String stem = file.getFileName().toString().replace(".tif", "");
			assertTrue(!Files.exists(results.resolve(stem)), stem + " was skipped");
			assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  skipped " + file.getFileName()) && l.contains(
				"is truncated")), file + "\n" + r.out());
		}
		for (final Path file : bySize.get(common)) {
			final String stem = file.getFileName().toString().replace(".tif", "");
			assertTrue(Files.isRegularFile(results.resolve(stem).resolve("result.json")), stem + " was explained");
		}
		final Map<String, Long> kinds = r.out().lines().filter(l -> l.startsWith("  skipped ")).collect(Collectors
			.groupingBy(l -> l.contains("TIFF header") ? "header" : l.contains("pixel data") ? "pixels" : "?",
				Collectors.counting()));
		assertEquals(Map.of("header", 2L, "pixels", 2L), kinds, r.out());
		assertTrue(r.out().contains("good images explained: 36/36; bad images skipped with their reason: 4/4"),
			r.out());
		assertTrue(r.out().lines().anyMatch(l -> l.startsWith("resident memory (MB): start ") && l.contains(
			"first batch") && l.contains("50%") && l.contains("end")), r.out());
		assertTrue(r.out().contains("time: "), r.out());
	}
}
