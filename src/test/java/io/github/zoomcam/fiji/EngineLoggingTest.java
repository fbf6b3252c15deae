package io.github.zoomcam.fiji;

import io.github.zoomcam.Fixtures;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.module.Module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Engine logging in Fiji: DJL's INFO lines and GPU-probe WARN stay off the console, libtorch's C++
 * warnings too, and the user gets one line saying which device runs the model.
 */
class EngineLoggingTest {

	@TempDir
	Path tmp;

	/** A stand-in with logback's reflective surface: getLevel(), setLevel(Level), static Level.toLevel. */
	public static final class FakeLogger {

		public static final class Level {

			final String name;

			private Level(final String name) {
				this.name = name;
			}

			public static Level toLevel(final String name) {
				return new Level(name);
			}
		}

		private Level level;

		public Level getLevel() {
			return level;
		}

		public void setLevel(final Level value) {
			level = value;
		}
	}

	@Test
	void onlyLoggersWithoutTheirOwnLevelAreQuietened() {
		final FakeLogger unset = new FakeLogger();
		assertTrue(EngineLogging.setLevelIfUnset(unset, "ERROR"));
		assertEquals("ERROR", unset.getLevel().name);
		final FakeLogger configured = new FakeLogger();
		configured.setLevel(FakeLogger.Level.toLevel("DEBUG"));
		assertFalse(EngineLogging.setLevelIfUnset(configured, "ERROR"), "a level the user set wins");
		assertEquals("DEBUG", configured.getLevel().name);
		assertFalse(EngineLogging.setLevelIfUnset(new Object(), "ERROR"), "another provider: nothing changed");
	}

	@Test
	void loadingAModelLogsOneLineWithTheDeviceAndNoWarning() {
		try (CommandHarness harness = new CommandHarness()) {
			final Module m = harness.run(CommandText.INFO, "model=[" + Fixtures.BUNDLE + "] device=auto", null);
			assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
			final List<String> lines = harness.logged("Zoom-CAM: model tiny-fixture on ");
			assertEquals(1, lines.size(), harness.logged.toString());
			assertTrue(lines.get(0).startsWith("INFO Zoom-CAM: model tiny-fixture on the CPU (no usable GPU found)") ||
				lines.get(0).startsWith("INFO Zoom-CAM: model tiny-fixture on GPU"), lines.get(0));
			assertEquals(List.of(), harness.logged.stream().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR"))
				.toList(), "no warning for the ordinary CPU fallback");
			// the second command reuses the loaded model: no second line
			harness.run(CommandText.INFO, "model=[" + Fixtures.BUNDLE + "] device=auto", null);
			assertEquals(1, harness.logged("Zoom-CAM: model tiny-fixture on ").size());
		}
	}

	private record Output(int code, String text) {}

	/** Runs {@link EngineLoggingProbe} in a JVM whose SLF4J provider is logback, as Fiji's is. */
	private Output probe(final List<String> properties, final String torchLogLevel) throws Exception {
		final String logback = System.getProperty("zoomcam.test.logback");
		Assumptions.assumeTrue(logback != null && !logback.contains("${"), "run by Maven (logback jar paths)");
		final String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter(entry -> !entry.contains("slf4j-simple")).collect(Collectors.joining(File.pathSeparator)) + File
				.pathSeparator + logback;
		final List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-cp", classpath, "-Djava.awt.headless=true", "-Dai.djl.offline=true"));
		command.addAll(properties);
		command.addAll(List.of(EngineLoggingProbe.class.getName(), Fixtures.BUNDLE.toString()));
		final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp
			.resolve("probe.log").toFile());
		if (torchLogLevel == null) builder.environment().remove("TORCH_CPP_LOG_LEVEL");
		else builder.environment().put("TORCH_CPP_LOG_LEVEL", torchLogLevel);
		final Process process = builder.start();
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("the probe did not finish: " + read(tmp.resolve("probe.log")));
		}
		return new Output(process.exitValue(), read(tmp.resolve("probe.log")));
	}

	private static String read(final Path file) throws IOException {
		return Files.readString(file, StandardCharsets.UTF_8);
	}

	@Test
	void inAFijiLikeJvmDjlAndLibtorchStayOffTheConsole() throws Exception {
		final Output quiet = probe(List.of(), null);
		assertEquals(0, quiet.code(), quiet.text());
		assertTrue(quiet.text().contains("PROBE loaded tiny-fixture"), quiet.text());
		assertFalse(quiet.text().contains("multiple SLF4J providers"), "one provider: " + quiet.text());
		final List<String> engineLines = quiet.text().lines().filter(l -> l.contains("ai.djl") || l.contains(
			"NNPACK")).toList();
		assertEquals(List.of(), engineLines, quiet.text());
		assertEquals(1, quiet.text().lines().filter(l -> l.contains("[INFO] Zoom-CAM: model tiny-fixture on "))
			.count(), quiet.text());
		assertFalse(quiet.text().contains("[WARNING]"), quiet.text());

		// The same JVM with DJL's loggers and libtorch's C++ log left alone shows what the above keeps out.
		final Output loud = probe(List.of("-D" + EngineLogging.PROPERTY + "=keep"), "INFO");
		assertEquals(0, loud.code(), loud.text());
		assertTrue(loud.text().lines().anyMatch(l -> l.contains("INFO") && l.contains("ai.djl")), "logback prints " +
			"DJL's INFO lines unless told otherwise: " + loud.text());
	}

	@Test
	void propertyKeepLeavesDjlAlone() {
		final String before = System.getProperty(EngineLogging.PROPERTY);
		System.setProperty(EngineLogging.PROPERTY, "keep");
		try {
			assertEquals(List.of(), EngineLogging.quiet());
		}
		finally {
			if (before == null) System.clearProperty(EngineLogging.PROPERTY);
			else System.setProperty(EngineLogging.PROPERTY, before);
		}
		assertNull(before);
	}
}
