package io.github.zoomcam.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.zoomcam.cli.Main;
import io.github.zoomcam.core.ZoomCamException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrowdedSceneTest {

	private static final SynthOptions CROWDED = SynthOptions.defaults().withSize(128, 128).withScene(SceneKind.CROWDED);
	private static final SynthOptions SPARSE = SynthOptions.defaults().withSize(128, 128);

	@TempDir
	Path temp;

	@Test
	void sceneKindsParseAndSparseIsTheDefault() {
		assertEquals(SceneKind.SPARSE, SynthOptions.defaults().scene());
		assertEquals(SceneKind.SPARSE, new SynthOptions(160, 160, 1, 8).scene());
		assertEquals(SceneKind.CROWDED, SceneKind.parse(" Crowded "));
		assertTrue(assertThrows(ZoomCamException.class, () -> SceneKind.parse("busy")).getMessage().contains(
			"sparse or crowded"));
		assertEquals(SceneKind.CROWDED, CROWDED.withChannels(3).withBitDepth(16).withSize(200, 200).scene());
	}

	@Test
	void crowdedScenesAreDeterministicWithExactTruth() {
		final SyntheticImageGenerator a = new SyntheticImageGenerator(CROWDED);
		final SyntheticImageGenerator b = new SyntheticImageGenerator(CROWDED);
		for (int i = 0; i < 30; i++) {
			final SyntheticImage first = a.generate(77, i);
			final SyntheticImage again = b.generate(77, i);
			assertArrayEquals(first.pixels()[0], again.pixels()[0], first.name());
			TruthChecks.assertSameTruth(first, again);
			TruthChecks.assertConsistent(first.name(), first.width(), first.height(), first.classLabels(), first
				.instanceIds(), first.instances());
			assertFalse(Arrays.equals(first.pixels()[0], new SyntheticImageGenerator(SPARSE).generate(77, i).pixels()[0]),
				"crowded and sparse images of one seed differ");
		}
		// Truth does not depend on channels or bit depth, as in sparse scenes.
		TruthChecks.assertSameTruth(a.generate(77, 3), new SyntheticImageGenerator(CROWDED.withChannels(3)
			.withBitDepth(16)).generate(77, 3));
	}

	@Test
	void crowdedScenesHoldMoreObjectsTouchingOtherClasses() {
		int crowdedInstances = 0;
		int sparseInstances = 0;
		int imagesWithMixedContact = 0;
		long crowdedForeground = 0;
		long sparseForeground = 0;
		final int n = 60;
		for (int i = 0; i < n; i++) {
			final SyntheticImage crowded = new SyntheticImageGenerator(CROWDED).generate(5, i);
			final SyntheticImage sparse = new SyntheticImageGenerator(SPARSE).generate(5, i);
			crowdedInstances += crowded.instances().size();
			sparseInstances += sparse.instances().size();
			crowdedForeground += Arrays.stream(crowded.classLabels()).filter(v -> v != 0).count();
			sparseForeground += Arrays.stream(sparse.classLabels()).filter(v -> v != 0).count();
			if (touchesAnotherClass(crowded)) imagesWithMixedContact++;
		}
		assertTrue(crowdedInstances > 2 * sparseInstances, crowdedInstances + " vs " + sparseInstances + " instances");
		assertTrue(crowdedForeground > 2 * sparseForeground, crowdedForeground + " vs " + sparseForeground + " pixels");
		assertTrue(imagesWithMixedContact >= n / 2, "only " + imagesWithMixedContact + " of " + n
			+ " crowded images have objects of two classes in contact");
	}

	@Test
	void datasetJsonNamesTheSceneOnlyWhenCrowded() throws IOException {
		SyntheticDataset.write(temp.resolve("sparse"), 2, 1, SPARSE);
		SyntheticDataset.write(temp.resolve("crowded"), 2, 1, CROWDED);
		assertFalse(Files.readString(temp.resolve("sparse/dataset.json")).contains("scene"));
		assertTrue(Files.readString(temp.resolve("crowded/dataset.json")).contains("\"scene\": \"crowded\""));
	}

	@Test
	void synthCommandTakesTheScene() throws IOException {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final Path dir = temp.resolve("cli");
		assertEquals(0, Main.run(new String[] {"synth", "--n", "2", "--seed", "4", "--size", "128",
			"--scene", "crowded", "--out", dir.toString()}, new PrintStream(out), new PrintStream(err)));
		assertTrue(out.toString().contains("crowded scenes"), out.toString());
		assertTrue(Files.readString(dir.resolve("dataset.json")).contains("\"scene\": \"crowded\""));
		assertEquals(2, Main.run(new String[] {"synth", "--n", "2", "--scene", "busy", "--out", temp
			.resolve("bad").toString()}, new PrintStream(out), new PrintStream(err)));
		assertTrue(err.toString().contains("sparse or crowded"), err.toString());
	}

	/** Whether two 4-adjacent pixels belong to instances of different classes. */
	private static boolean touchesAnotherClass(final SyntheticImage image) {
		final int w = image.width();
		final int[] labels = image.classLabels();
		for (int y = 0; y < image.height(); y++) {
			for (int x = 0; x < w; x++) {
				final int a = labels[y * w + x];
				if (a == 0) continue;
				final int right = x + 1 < w ? labels[y * w + x + 1] : 0;
				final int below = y + 1 < image.height() ? labels[(y + 1) * w + x] : 0;
				if (right != 0 && right != a || below != 0 && below != a) return true;
			}
		}
		return false;
	}
}
