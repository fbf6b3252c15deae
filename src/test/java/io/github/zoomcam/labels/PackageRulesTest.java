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

/**
 * The labels package stays plain Java plus ImageJ 1's image processing (processors, thresholds, filters), so
 * that a command line without SciJava, DJL or any window can use it.
 */
class PackageRulesTest {

	@Test
	void importsOnlyJavaImageJProcessingAndTheException() throws IOException {
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
					|| t.startsWith("import ij.process.")
					|| t.startsWith("import ij.plugin.filter.")
					|| t.equals("import io.github.zoomcam.engine.ZoomCamException;");
				assertTrue(allowed, file.getFileName() + " imports what the labels package must not: " + t);
			}
		}
	}

	@Test
	void neverTouchesImageJWindowsOrItsGlobalState() throws IOException {
		final Path sources = Paths.get("src", "main", "java", "io", "github", "zoomcam", "labels");
		try (Stream<Path> list = Files.list(sources)) {
			for (final Path file : list.filter(p -> p.toString().endsWith(".java")).toList()) {
				// Code only: comments may name what the code avoids.
				final String text = String.join("\n", Files.readAllLines(file).stream().map(String::trim).filter(l -> !l
					.startsWith("*") && !l.startsWith("/*") && !l.startsWith("//")).toList());
				for (final String forbidden : List.of("ij.gui", "ij.IJ", "IJ.", "ij.ImagePlus", "ImagePlus", "ij.Prefs",
					"Prefs.", "WindowManager", "Undo", "org.scijava", "net.imagej", "ai.djl"))
				{
					assertFalse(text.contains(forbidden), file.getFileName() + " uses " + forbidden);
				}
			}
		}
	}
}
