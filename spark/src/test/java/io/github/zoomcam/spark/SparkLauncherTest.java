package io.github.zoomcam.spark;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher and the test JVM start Spark with the same Java 17 options and the same oneDNN cap. */
class SparkLauncherTest {

	private static Set<String> options(final String text) {
		final Set<String> found = new TreeSet<>();
		final Matcher m = Pattern.compile("(--add-opens=\\S+|-XX:\\S+|-Djdk\\.\\S+)").matcher(text);
		while (m.find()) found.add(m.group(1).replace("\"", ""));
		return found;
	}

	@Test
	void launcherAndPomAgreeOnSparksJavaOptions() throws IOException {
		final String launcher = Files.readString(SparkJobTest.HOME.resolve("zoomcam-spark"));
		final String pom = Files.readString(SparkJobTest.HOME.resolve("spark/pom.xml"));
		final Matcher inPom = Pattern.compile("<spark.java.options>([^<]+)</spark.java.options>").matcher(pom);
		assertTrue(inPom.find());
		final Matcher inLauncher = Pattern.compile("spark_java_options=\"([^\"]+)\"").matcher(launcher);
		assertTrue(inLauncher.find());
		assertEquals(options(inPom.group(1)), options(inLauncher.group(1)));
		assertTrue(options(inPom.group(1)).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"));
		assertTrue(launcher.contains("ONEDNN_MAX_CPU_ISA=\"${ONEDNN_MAX_CPU_ISA:-AVX2}\""));
		assertEquals("AVX2", System.getenv("ONEDNN_MAX_CPU_ISA"), "surefire sets it for the Spark tests too");
	}
}
