package io.github.zoomcam.engine;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layer-name checksum agrees with tools/export_model.py's (an independent implementation, in Python),
 * and libtorch's C++ log level is set when the engine starts.
 */
class BundleChecksTest {

	@Test
	void checksumOfAHandWorkedExample() {
		// /usr/bin/python3 -c "import hashlib; print(hashlib.sha256(b'ab\nx\ny').hexdigest())"
		assertEquals("62dd4e1da63b064cad7b0d0114598399cad65b385080e0fb49c3c048479d3a11", BundleManifest
			.layerNamesChecksum("ab", List.of("x", "y")));
	}

	@Test
	void theCommittedBundlesCarryThePythonChecksumOfTheirModelAndNames() throws Exception {
		for (final Path bundle : List.of(Fixtures.BUNDLE, Paths.get("plugins", "Zoom-CAM", "models",
			"synthetic-cells")))
		{
			final JsonObject json = JsonParser.parseString(Files.readString(bundle.resolve("zoomcam.json")))
				.getAsJsonObject();
			final String modelHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files
				.readAllBytes(bundle.resolve("model.pt"))));
			assertEquals(json.get("model_sha256").getAsString(), modelHash, bundle + ": model.pt unchanged");
			assertEquals(json.get("layer_names_sha256").getAsString(), BundleManifest.layerNamesChecksum(modelHash,
				ModelBundle.readManifest(bundle).layerNames()), bundle.toString());
		}
	}

	@Test
	void libtorchWarningsAreOffOnceTheEngineRuns() throws IOException {
		try (ModelBundle bundle = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {})) {
			final String asked = System.getenv("TORCH_CPP_LOG_LEVEL");
			assertEquals(NativeLogging.level(asked), NativeLogging.currentLevel(), "c10's level as asked");
			if (asked == null) assertEquals(2, NativeLogging.currentLevel(), "ERROR by default");
		}
		assertEquals(0, NativeLogging.level("INFO"));
		assertEquals(1, NativeLogging.level("warning"));
		assertEquals(3, NativeLogging.level("3"));
		assertEquals(NativeLogging.DEFAULT_LEVEL, NativeLogging.level("loud"));
	}
}
