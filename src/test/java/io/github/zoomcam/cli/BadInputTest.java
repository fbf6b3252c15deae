package io.github.zoomcam.cli;

import ai.djl.engine.Engine;
import io.github.zoomcam.Fixtures;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.github.zoomcam.cli.ExplainCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input ends in a one-line, actionable error and a non-zero exit: no stack trace, no partial output.
 */
class BadInputTest {

	@TempDir
	Path tmp;

	private ExplainCliTest.Run explain(final Path bundle, final String... more) {
		final String[] base = {"explain", "--model", bundle.toString(), "--out", tmp.resolve("out").toString()};
		final String[] args = new String[base.length + more.length];
		System.arraycopy(base, 0, args, 0, base.length);
		System.arraycopy(more, 0, args, base.length, more.length);
		return run(args);
	}

	/** Fails unless the run failed with exactly one error line that contains every given fragment. */
	private static void assertOneLineError(final ExplainCliTest.Run r, final String... fragments) {
		assertNotEquals(0, r.code(), "exit code");
		assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
		final long errors = r.err().lines().filter(l -> l.startsWith("error:")).count();
		assertEquals(1, errors, "one error line: " + r.err());
		final String line = r.err().lines().filter(l -> l.startsWith("error:")).findFirst().orElseThrow();
		for (final String f : fragments) assertTrue(line.contains(f), "'" + f + "' in: " + line);
	}

	private Path bundleCopy(final UnaryOperator<String> editJson) throws IOException {
		return bundleCopy("bundle", editJson);
	}

	private Path bundleCopy(final String name, final UnaryOperator<String> editJson) throws IOException {
		final Path copy = tmp.resolve(name);
		Files.createDirectories(copy);
		try (Stream<Path> files = Files.list(Fixtures.BUNDLE)) {
			for (final Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
		}
		final Path json = copy.resolve("zoomcam.json");
		Files.writeString(json, editJson.apply(Files.readString(json)));
		return copy;
	}

	private void assertNoOutputs() throws IOException {
		final Path out = tmp.resolve("out");
		if (!Files.exists(out)) return;
		try (Stream<Path> files = Files.walk(out)) {
			assertEquals(0, files.filter(Files::isRegularFile).count(), "no files written");
		}
	}

	@Test
	void missingBundle() throws IOException {
		assertOneLineError(explain(tmp.resolve("nope"), Fixtures.RGB_IMAGE.toString()), "model bundle not found");
		assertNoOutputs();
	}

	@Test
	void bundleWithoutModelFile() throws IOException {
		final Path b = bundleCopy(s -> s);
		Files.delete(b.resolve("model.pt"));
		assertOneLineError(explain(b, Fixtures.RGB_IMAGE.toString()), "has no model.pt", "export_model.py");
	}

	@Test
	void corruptJson() throws IOException {
		assertOneLineError(explain(bundleCopy(s -> s.substring(0, s.length() / 2)), Fixtures.RGB_IMAGE.toString()),
			"not valid JSON");
		assertNoOutputs();
	}

	@Test
	void corruptModelFile() throws IOException {
		final Path b = bundleCopy(s -> s);
		Files.writeString(b.resolve("model.pt"), "this is not torchscript");
		assertOneLineError(explain(b, Fixtures.RGB_IMAGE.toString()), "model.pt is not the file", "model_sha256");
		// a bundle exported before the checksums existed: the loader itself reports the damage
		final Path old = bundleCopy("old", BadInputTest::withoutChecksums);
		Files.writeString(old.resolve("model.pt"), "this is not torchscript");
		assertOneLineError(explain(old, Fixtures.RGB_IMAGE.toString()), "could not be loaded as TorchScript");
	}

	private static String withoutChecksums(final String json) {
		return json.replaceAll(",\\s*\"model_sha256\": \"[0-9a-f]+\"", "").replaceAll(
			",\\s*\"layer_names_sha256\": \"[0-9a-f]+\"", "");
	}

	@Test
	void renamedLayersAreRefusedAtLoad() throws IOException {
		// the names were edited in zoomcam.json, consistently (layers and default_layers): model.pt cannot say
		final Path b = bundleCopy(s -> s.replace("\"features.9\"", "\"conv4\""));
		assertTrue(Files.readString(b.resolve("zoomcam.json")).contains("\"conv4\""), "the edit was made");
		assertOneLineError(explain(b, Fixtures.RGB_IMAGE.toString()), "layer names in zoomcam.json", "conv4",
			"layer_names_sha256", "export");
		assertFalse(Files.exists(tmp.resolve("out").resolve("cells_rgb")), "nothing explained");
		// without the checksum the names cannot be checked: loaded, with a warning that says how to fix it
		final Path old = bundleCopy("old", BadInputTest::withoutChecksums);
		final ExplainCliTest.Run r = explain(old, Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(r.err().contains("records no layer_names_sha256") && r.err().contains("--stamp"), r.err());
	}

	@Test
	void emptyItemsInLayerAndTargetListsAreRefused() throws IOException {
		for (final String list : new String[] { ",", "features.9,,features.12", ";" }) {
			assertOneLineError(explain(Fixtures.BUNDLE, "--layers", list, Fixtures.RGB_IMAGE.toString()), "empty item");
		}
		for (final String list : new String[] { ",", "nucleus,,ring", "nucleus;", " " }) {
			final ExplainCliTest.Run r = explain(Fixtures.BUNDLE, "--target", list, Fixtures.RGB_IMAGE.toString());
			assertOneLineError(r, "nucleus, rod, ring, puncta, debris");
		}
		assertNoOutputs();
	}

	@Test
	void corruptZip() throws IOException {
		final Path zip = tmp.resolve("broken.zip");
		Files.write(zip, new byte[] {'P', 'K', 3, 4, 1, 2, 3});
		final ExplainCliTest.Run r = explain(zip, Fixtures.RGB_IMAGE.toString());
		assertOneLineError(r, "broken.zip");
	}

	@Test
	void jsonThatDisagreesWithTheModel() throws IOException {
		final Path b = bundleCopy(s -> s.replaceFirst("\"channels\": 16", "\"channels\": 17"));
		assertOneLineError(explain(b, Fixtures.RGB_IMAGE.toString()), "features.7", "zoomcam.json");
	}

	@Test
	void selfTestMismatch() throws IOException {
		final Path b = bundleCopy(s -> s.replaceFirst("\"expected_logits\": \\[\\s*[-0-9.e]+",
			"\"expected_logits\": [ 5.0"));
		assertOneLineError(explain(b, Fixtures.RGB_IMAGE.toString()), "self-test failed");
	}

	@Test
	void unknownLayer() throws IOException {
		assertOneLineError(explain(Fixtures.BUNDLE, "--layers", "features.1,conv99", Fixtures.RGB_IMAGE.toString()),
			"unknown layer 'conv99'", "features.12");
		assertNoOutputs();
	}

	@Test
	void unknownClass() throws IOException {
		assertOneLineError(explain(Fixtures.BUNDLE, "--target", "mitochondrion", Fixtures.RGB_IMAGE.toString()),
			"unknown class 'mitochondrion'", "nucleus");
		assertNoOutputs();
	}

	@Test
	void unreadableImageIsSkippedAndTheRestIsExplained() throws IOException {
		final Path bad = tmp.resolve("broken.png");
		Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0, 1, 2, 3});
		final ExplainCliTest.Run r = explain(Fixtures.BUNDLE, bad.toString(), Fixtures.RGB_IMAGE.toString());
		assertEquals(1, r.code(), "some images failed: " + r.err());
		assertTrue(r.err().contains("cannot read image") && r.err().contains("broken.png"), r.err());
		assertFalse(r.err().contains("\tat "), r.err());
		assertTrue(Files.exists(tmp.resolve("out/cells_rgb/result.json")));
		assertFalse(Files.exists(tmp.resolve("out/broken")));
	}

	@Test
	void wrongChannelCountFails() throws IOException {
		final Path two = ExplainCliTest.writeTwoChannelTiff(tmp.resolve("two.tif"));
		final ExplainCliTest.Run r = explain(Fixtures.BUNDLE, two.toString());
		assertEquals(1, r.code());
		assertTrue(r.err().contains("2-channel") && r.err().contains("expects 3"), r.err());
		assertFalse(Files.exists(tmp.resolve("out/two")));
	}

	@Test
	void nanPixelsFail() throws IOException {
		final float[] px = new float[64];
		px[10] = Float.NaN;
		final Path nan = ExplainCliTest.writeFloatTiff(tmp.resolve("nan.tif"), px, 8, 8);
		final ExplainCliTest.Run r = explain(Fixtures.BUNDLE, nan.toString());
		assertEquals(1, r.code());
		assertTrue(r.err().contains("NaN or infinite"), r.err());
		assertFalse(Files.exists(tmp.resolve("out/nan")));
	}

	@Test
	void gpuAskedButAbsentFailsAndAutoFallsBack() {
		Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
		assertOneLineError(explain(Fixtures.BUNDLE, "--device", "gpu", Fixtures.RGB_IMAGE.toString()),
			"device=gpu", "no usable GPU");
		final ExplainCliTest.Run auto = explain(Fixtures.BUNDLE, "--device", "auto", Fixtures.RGB_IMAGE.toString());
		assertEquals(0, auto.code(), auto.err());
		assertTrue(auto.err().contains("warning: no usable GPU found; running on the CPU"), auto.err());
	}

	@Test
	void unknownOptionAndMissingImages() {
		assertOneLineError(run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", tmp.toString(), "--colour",
			"red"), "unknown option --colour");
		assertOneLineError(run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", tmp.toString()),
			"no images given");
		assertOneLineError(run("frobnicate"), "unknown command");
	}
}
