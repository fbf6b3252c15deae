package io.github.zoomcam.pipeline;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch with a tiled image in it, as the command line and Fiji's Generate Pseudo-Labels run it: the
 * tiles report progress through the batch's listener, and the listener's cancel (Fiji: Esc) stops within
 * the tiled image, between batches of tiles, leaving no result folder for it.
 */
class TiledBatchTest {

	private static ModelBundle bundle;

	@TempDir
	Path tmp;

	@BeforeAll
	static void load() {
		bundle = ModelBundle.load(Fixtures.BUNDLE, DeviceChoice.CPU, w -> {});
	}

	@AfterAll
	static void close() {
		bundle.close();
	}

	private Path png(final String name, final int width, final int height) {
		final Random random = new Random(5);
		final int[] rgb = new int[width * height];
		for (int i = 0; i < rgb.length; i++) rgb[i] = random.nextInt(1 << 24);
		final Path file = tmp.resolve(name);
		new FileSaver(new ImagePlus(name, new ColorProcessor(width, height, rgb))).saveAsPng(file.toString());
		return file;
	}

	@Test
	void cancellingWhileTilesAreExplainedStopsWithinTheImageAndWritesNothingForIt() throws IOException {
		final Path small = png("a_small.png", 40, 40);
		final Path large = png("b_large.png", 200, 150); // 6x4 tiles of 48 px
		final Path out = tmp.resolve("out");
		final ExplainSettings settings = ExplainSettings.parse(bundle.manifest(), Map.of("target", "top1"));
		final List<String> progress = new ArrayList<>();
		final BatchRunner.Summary summary;
		try (ResultStore store = ResultStore.exclusive(out)) {
			summary = new BatchRunner(bundle.explainer(), settings, store, false, 1, 8).run(List.of(small, large),
				new BatchRunner.Listener() {

					private boolean stop;

					@Override
					public void progress(final int done, final int total, final String what) {
						if (what.contains("tiles")) progress.add(what + " " + done + "/" + total);
						// as Esc after the first batch of tiles has been explained
						if (what.equals("explaining tiles")) stop = true;
					}

					@Override
					public boolean cancelled() {
						return stop;
					}
				});
		}
		// 24 tiles in batches of 8: the presence pass in three, then the first batch explained before Esc
		assertEquals(List.of("classifying tiles 8/24", "classifying tiles 16/24", "classifying tiles 24/24",
			"explaining tiles 8/24"), progress);
		assertEquals(2, summary.outcomes().size());
		assertEquals(BatchRunner.Status.EXPLAINED, summary.outcomes().get(0).status(), "the image before is kept");
		final BatchRunner.Outcome cancelled = summary.outcomes().get(1);
		assertEquals(BatchRunner.Status.CANCELLED, cancelled.status());
		assertEquals("explain cancelled while explaining tiles (8 of 24 done)", cancelled.message());
		assertTrue(Files.exists(out.resolve("a_small").resolve("result.json")));
		assertFalse(Files.exists(out.resolve("b_large")), "no result folder for the cancelled image");
		try (Stream<Path> left = Files.list(out)) {
			assertEquals(List.of("a_small"), left.map(p -> p.getFileName().toString()).filter(n -> !n.equals(
				ResultStore.LOCK_FILE)).sorted().toList(), "no temporary folder or raw-map file is left");
		}
	}
}
