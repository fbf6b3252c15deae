package io.github.zoomcam.labels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The labels package stays plain Java, usable from a CLI without ImageJ, SciJava or DJL. */
class PackageRulesTest {

	@Test
	void importsNoFrameworkAndOnlyTheExceptionFromTheEngine() throws IOException {
		final Path sources = Paths.get("src", "main", "java", "io", "github", "zoomcam", "labels");
		final List<Path> files;
		try (Stream<Path> list = Files.list(sources)) {
			files = list.filter(p -> p.toString().endsWith(".java")).toList();
		}
		assertFalse(files.isEmpty());
		for (final Path file : files) {
			for (final String line : Files.readAllLines(file)) {
				final String t = line.trim();
				if (!t.startsWith("import ")) continue;
				final boolean allowed = t.startsWith("import java.")
					|| t.equals("import io.github.zoomcam.core.ZoomCamException;");
				assertTrue(allowed, file.getFileName() + " imports what the labels package must not: " + t);
			}
		}
	}
}
