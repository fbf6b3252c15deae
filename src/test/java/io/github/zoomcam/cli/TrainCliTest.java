package io.github.zoomcam.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticDataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./zoomcam train as a user runs it: on data written by the synth command (tiny, 48 x 48 inputs), one line
 * per epoch and a summary on stdout, a bundle that explain takes; --resume; bad arguments in one line.
 */
class TrainCliTest {

	@TempDir
	static Path shared;

	@TempDir
	Path tmp;

	private static Path data;

	@BeforeAll
	static void data() {
		data = shared.resolve("synth");
		SyntheticDataset.write(data, 32, 4, SynthOptions.defaults().withSize(SynthOptions.MIN_SIZE, SynthOptions
			.MIN_SIZE));
	}

	private static String[] train(final Path out, final String... more) {
		final List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--out", out
			.toString(), "--epochs", "2", "--batch", "8", "--input-size", "48", "--device", "cpu", "--seed", "3",
			"--val-fraction", "0.25"));
		args.addAll(Arrays.asList(more));
		return args.toArray(String[]::new);
	}

	@Test
	void trainsInOneCommandThenExplainsWithTheBundle() throws IOException {
		final Path bundle = tmp.resolve("my model");
		final ExplainCliTest.Run r = ExplainCliTest.run(train(bundle));
		assertEquals(0, r.code(), r.err());
		final List<String> lines = r.out().lines().toList();
		assertEquals(2, lines.stream().filter(l -> l.startsWith("epoch ")).count(), r.out());
		assertTrue(lines.get(0).startsWith("epoch 1/2 ") && lines.get(0).contains("val mAP"), r.out());
		assertTrue(lines.get(2).startsWith("completed after 2 epoch(s): best epoch "), r.out());
		assertTrue(lines.get(3).startsWith("explain with: ./zoomcam explain --model "), r.out());
		assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());

		final Path explained = tmp.resolve("explained");
		final ExplainCliTest.Run e = ExplainCliTest.run("explain", "--model", bundle.toString(), "--out", explained
			.toString(), "--device", "cpu", "--target", "top1", data.resolve("images").resolve("img_00000.tif")
				.toString());
		assertEquals(0, e.code(), e.err());
		assertTrue(Files.isRegularFile(explained.resolve("img_00000").resolve("heatmaps.tif")));

		final Path resumed = tmp.resolve("resumed.zip");
		final ExplainCliTest.Run again = ExplainCliTest.run(train(resumed, "--resume", bundle.toString(), "--epochs",
			"1"));
		assertEquals(0, again.code(), again.err());
		final ExplainCliTest.Run info = ExplainCliTest.run("info", "--model", resumed.toString(), "--device", "cpu");
		assertEquals(0, info.code(), info.err());
		assertTrue(info.out().contains("passed"), info.out());
		final JsonObject training = JsonParser.parseString(manifest(resumed)).getAsJsonObject().getAsJsonObject(
			"training");
		assertEquals(bundle.toString(), training.get("resumed_from").getAsString());
		assertTrue(training.get("command").getAsString().contains("--resume"), training.toString());
	}

	/** zoomcam.json of a single-file bundle. */
	private static String manifest(final Path zip) throws IOException {
		try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
			return new String(z.getInputStream(z.getEntry("zoomcam.json")).readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@Test
	void badArgumentsEndInOneLineAndWriteNothing() throws IOException {
		final Path taken = Files.createDirectories(tmp.resolve("taken"));
		assertOneLine(ExplainCliTest.run(train(taken)), "already exists", "--overwrite");
		assertOneLine(ExplainCliTest.run(train(tmp.resolve("a"), "--epochs", "0")), "--epochs");
		assertOneLine(ExplainCliTest.run(train(tmp.resolve("b"), "--input-size", "big")), "input size 'big'");
		assertOneLine(ExplainCliTest.run("train", "--data", tmp.resolve("nowhere").toString(), "--out", tmp.resolve(
			"c").toString()), "nowhere");
		assertOneLine(ExplainCliTest.run("train", "--data", data.toString()), "--out");
		assertOneLine(ExplainCliTest.run(train(tmp.resolve("d"), "--resume", tmp.resolve("no bundle").toString())),
			"no bundle");
		try (var files = Files.list(tmp)) {
			assertEquals(List.of(taken), files.toList(), "nothing written");
		}
	}

	private static void assertOneLine(final ExplainCliTest.Run r, final String... fragments) {
		assertEquals(2, r.code(), r.err());
		final List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
		final String error = lines.get(lines.size() - 1);
		assertTrue(error.startsWith("error: "), r.err());
		for (final String f : fragments) assertTrue(error.contains(f), "'" + f + "' in: " + error);
		assertFalse(r.err().contains("\tat "), r.err());
	}
}
