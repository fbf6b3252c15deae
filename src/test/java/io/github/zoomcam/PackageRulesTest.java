package io.github.zoomcam;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering of the packages, checked on their imports: core depends on nothing of ours; the engine
 * on DJL and core only (never ImageJ or SciJava); labels and synth are plain Java with ImageJ 1's
 * processors as a library; the pipeline may use ImageJ 1 for file I/O and ROI encoding but no SciJava and
 * no windows of its own; Fiji and the command line sit on top and never import each other.
 */
class PackageRulesTest {

	private static final Path SOURCES = Paths.get("src", "main", "java", "io", "github", "zoomcam");

	/** Per package, the import prefixes it may use besides java.* and its own package. */
	private static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

	static {
		ALLOWED.put("core", List.of());
		ALLOWED.put("engine", List.of("io.github.zoomcam.core.", "ai.djl.", "com.google.gson.", "com.sun.jna."));
		ALLOWED.put("labels", List.of("io.github.zoomcam.core.", "ij.process.", "ij.plugin.filter."));
		ALLOWED.put("synth", List.of("io.github.zoomcam.core.", "ij.ImagePlus", "ij.ImageStack", "ij.io.",
			"ij.process."));
		ALLOWED.put("pipeline", List.of("io.github.zoomcam.core.", "io.github.zoomcam.engine.",
			"io.github.zoomcam.labels.", "io.github.zoomcam.synth.", "ij.", "com.google.gson.", "net.imglib2."));
		ALLOWED.put("fiji", List.of("io.github.zoomcam.core.", "io.github.zoomcam.engine.", "io.github.zoomcam.labels.",
			"io.github.zoomcam.pipeline.", "ij.", "org.scijava.", "net.imglib2.", "com.google.gson.", "org.slf4j."));
		ALLOWED.put("cli", List.of("io.github.zoomcam.core.", "io.github.zoomcam.engine.", "io.github.zoomcam.labels.",
			"io.github.zoomcam.pipeline.", "io.github.zoomcam.synth.", "ij.", "com.google.gson."));
	}

	@Test
	void everyPackageImportsOnlyWhatItsLayerAllows() throws IOException {
		final List<String> violations = new ArrayList<>();
		for (final Map.Entry<String, List<String>> rule : ALLOWED.entrySet()) {
			final Path dir = SOURCES.resolve(rule.getKey());
			assertTrue(Files.isDirectory(dir), dir + " exists");
			try (Stream<Path> files = Files.walk(dir)) {
				for (final Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
					for (final String line : Files.readAllLines(file)) {
						final String t = line.trim();
						if (!t.startsWith("import ")) continue;
						final String imported = t.replaceFirst("^import (static )?", "");
						final boolean ok = imported.startsWith("java.") || imported.startsWith("io.github.zoomcam." + rule
							.getKey() + ".") || rule.getValue().stream().anyMatch(imported::startsWith);
						if (!ok) violations.add(SOURCES.relativize(file) + ": " + t);
					}
				}
			}
		}
		assertEquals(List.of(), violations, "imports that break the layering");
	}

	@Test
	void everySourcePackageHasARule() throws IOException {
		try (Stream<Path> dirs = Files.list(SOURCES)) {
			for (final Path dir : dirs.filter(Files::isDirectory).toList()) {
				assertTrue(ALLOWED.containsKey(dir.getFileName().toString()), "no layering rule for " + dir);
			}
		}
	}

	@Test
	void labelsNeverTouchImageJWindowsOrGlobalState() throws IOException {
		// ImageJ 1 is a processing library there: a command line or a Spark executor has no windows, and
		// global state (Prefs, the current image) would make labels depend on what the user did before.
		final List<String> violations = new ArrayList<>();
		try (Stream<Path> files = Files.walk(SOURCES.resolve("labels"))) {
			for (final Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
				final String code = String.join("\n", Files.readAllLines(file).stream().map(String::trim).filter(l -> !l
					.startsWith("*") && !l.startsWith("/*") && !l.startsWith("//")).toList());
				for (final String forbidden : List.of("ij.gui", "IJ.", "ImagePlus", "Prefs.", "WindowManager", "Undo.")) {
					if (code.contains(forbidden)) violations.add(file.getFileName() + " uses " + forbidden);
				}
			}
		}
		assertEquals(List.of(), violations);
	}
}
