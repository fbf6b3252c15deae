package io.github.zoomcam.cli;

import ij.IJ;
import ij.ImagePlus;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticImage;
import io.github.zoomcam.synth.SyntheticImageGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * benchmark-tiles' mosaics (the benchmark itself is a command, run by hand): the generated images are laid
 * out row by row with their exact truth, and a mosaic made once is reused by a later run with the same
 * size and seed, and made again for another seed.
 */
class TileBenchmarkMosaicTest {

	private static final Path MODEL = Paths.get("plugins", "Zoom-CAM", "models", "synthetic-cells")
		.toAbsolutePath();

	@TempDir
	Path tmp;

	@Test
	void theMosaicHoldsTheGeneratedImagesAndTheirTruthAndIsReused() throws IOException {
		final ExplainCliTest.Run first = ExplainCliTest.run("benchmark-tiles", "--sizes", "256", "--seed", "5", "--model",
			MODEL.toString(), "--out", tmp.toString(), "--mosaics-only");
		assertEquals(0, first.code(), first.err());
		final ImagePlus mosaic = IJ.openImage(tmp.resolve("mosaic-256.tif").toString());
		final ImagePlus truth = IJ.openImage(tmp.resolve("truth/labels/mosaic-256.tif").toString());
		assertEquals(256, mosaic.getWidth());
		assertEquals(256, truth.getHeight());
		final SynthOptions synth = BenchmarkCommand.synthOptions(MODEL);
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(synth);
		// 2x2 images of 128 px, indices row by row: image 1 is the top right one, image 2 the bottom left one
		for (final int index : new int[] { 0, 1, 2, 3 }) {
			final SyntheticImage image = generator.generate(5, index);
			final int x0 = (index % 2) * 128;
			final int y0 = (index / 2) * 128;
			for (int y = 0; y < 128; y += 7) {
				for (int x = 0; x < 128; x += 5) {
					assertEquals(image.pixels()[0][y * 128 + x], mosaic.getProcessor().get(x0 + x, y0 + y), "pixel");
					assertEquals(image.classLabels()[y * 128 + x], truth.getProcessor().get(x0 + x, y0 + y), "truth");
				}
			}
		}
		final long written = Files.getLastModifiedTime(tmp.resolve("mosaic-256.tif")).toMillis();
		final ExplainCliTest.Run again = ExplainCliTest.run("benchmark-tiles", "--sizes", "256", "--seed", "5",
			"--model", MODEL.toString(), "--out", tmp.toString(), "--mosaics-only");
		assertTrue(again.err().contains("kept from an earlier run"), again.err());
		assertEquals(written, Files.getLastModifiedTime(tmp.resolve("mosaic-256.tif")).toMillis());
		final ExplainCliTest.Run other = ExplainCliTest.run("benchmark-tiles", "--sizes", "256", "--seed", "6",
			"--model", MODEL.toString(), "--out", tmp.toString(), "--mosaics-only");
		assertTrue(other.err().contains("2/2 rows generated") && !other.err().contains("kept"), other.err());
	}
}
