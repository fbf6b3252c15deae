package io.github.zoomcam.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.engine.NpyArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ./zoomcam explain end to end, in process. */
class ExplainCliTest {

	@TempDir
	Path tmp;

	record Run(int code, String out, String err) {}

	/**
	 * Runs a command in process. The fixture images (57x41, 64x50) are larger than the tiny bundle's 48x48
	 * input, so {@code explain} would tile them; the reference maps are those of whole images, so explain
	 * runs with {@code --tile none} unless a test asks for tiling itself.
	 */
	static Run run(final String... given) {
		final boolean wholeImages = given.length > 0 && given[0].equals("explain") && java.util.Arrays.stream(given)
			.noneMatch(a -> a.equals("--tile") || a.startsWith("--tile="));
		final String[] args = wholeImages ? java.util.stream.Stream.concat(java.util.Arrays.stream(given),
			java.util.stream.Stream.of("--tile", "none")).toArray(String[]::new) : given;
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
			StandardCharsets.UTF_8));
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void writesHeatmapStackAndResultJsonMatchingReference() throws IOException {
		final Path out = tmp.resolve("out");
		final Run r = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(), "--device", "cpu",
			Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		final Path dir = out.resolve("cells_rgb");
		final ImagePlus stack = IJ.openImage(dir.resolve("heatmaps.tif").toString());
		assertEquals(57, stack.getWidth());
		assertEquals(41, stack.getHeight());
		assertEquals(6, stack.getStackSize(), "5 layers + zoom-cam");
		assertEquals(32, stack.getBitDepth());
		assertEquals("features.1", stack.getStack().getSliceLabel(1));
		assertEquals("features.12", stack.getStack().getSliceLabel(5));
		assertEquals("zoom-cam", stack.getStack().getSliceLabel(6));
		final Map<String, NpyArray> ref = Fixtures.expected("single_top1");
		final float[] fused = (float[]) stack.getStack().getProcessor(6).getPixels();
		final float[] expected = ref.get("t0_zoomcam_original").data();
		for (int i = 0; i < expected.length; i++) assertEquals(expected[i], fused[i], 1e-5, "pixel " + i);

		final JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("result.json")))
			.getAsJsonObject();
		assertEquals("tiny-fixture", json.getAsJsonObject("model").get("name").getAsString());
		assertEquals("cpu()", json.getAsJsonObject("runtime").get("device").getAsString());
		assertEquals(5, json.getAsJsonArray("layers").size());
		final JsonObject target = json.getAsJsonArray("targets").get(0).getAsJsonObject();
		assertEquals((int) ref.get("targets").data()[0], target.get("index").getAsInt());
		assertEquals(ref.get("t0_score").data()[0], target.get("score").getAsFloat(), 1e-5);
		assertFalse(json.has("timings"), "timings change from run to run; they are not part of a result");
		assertNoTemporaryFiles(out);
	}

	@Test
	void severalTargetsGiveOneStackPerClassAndGradcamGivesOneSlice() {
		final Path out = tmp.resolve("out");
		final Run r = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(), "--target",
			"ring,rod", "--method", "gradcam", Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		final ImagePlus ring = IJ.openImage(out.resolve("cells_rgb/heatmaps-ring.tif").toString());
		assertEquals(1, ring.getStackSize());
		assertTrue(Files.exists(out.resolve("cells_rgb/heatmaps-rod.tif")));
		assertFalse(Files.exists(out.resolve("cells_rgb/heatmaps.tif")));
	}

	@Test
	void zipBundleAndBatchGiveTheSameNumbersAsSingleImages() throws IOException {
		final Path zip = tmp.resolve("tiny.zip");
		try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
			for (final String f : new String[] {"model.pt", "zoomcam.json", "test_input.npy"}) {
				zos.putNextEntry(new java.util.zip.ZipEntry(f));
				Files.copy(Fixtures.BUNDLE.resolve(f), zos);
				zos.closeEntry();
			}
		}
		final Path out = tmp.resolve("out");
		final Run r = run("explain", "--model", zip.toString(), "--out", out.toString(), "--batch", "2", "--target",
			"top2", Fixtures.RGB_IMAGE.toString(), Fixtures.GREY16_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		final Map<String, NpyArray> ref = Fixtures.expected("batch_top2");
		final String firstClass = new String[] {"nucleus", "rod", "ring", "puncta", "debris"}[(int) ref.get(
			"img1_targets").data()[0]];
		final ImagePlus grey = IJ.openImage(out.resolve("cells_grey16/heatmaps-" + firstClass + ".tif").toString());
		final float[] fused = (float[]) grey.getStack().getProcessor(6).getPixels();
		final float[] expected = ref.get("img1_t0_zoomcam_original").data();
		for (int i = 0; i < expected.length; i++) assertEquals(expected[i], fused[i], 1e-5, "pixel " + i);
		assertTrue(r.err().contains("replicated"), "grey-to-RGB warning is shown: " + r.err());
	}

	@Test
	void infoPrintsLayersWithResolutionsAndSelfTest() {
		final Run r = run("info", "--model", Fixtures.BUNDLE.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("features.12"));
		assertTrue(r.out().matches("(?s).*features\\.7\\s+16\\s+24x24\\s+2.*"), r.out());
		assertTrue(r.out().matches("(?s).*self-test:\\s+passed.*"), r.out());
	}

	static void assertNoTemporaryFiles(final Path dir) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			assertEquals(0, files.filter(p -> p.getFileName().toString().startsWith(".part-")).count());
		}
	}

	static Path writeFloatTiff(final Path file, final float[] pixels, final int w, final int h) {
		new FileSaver(new ImagePlus("f", new FloatProcessor(w, h, pixels))).saveAsTiff(file.toString());
		return file;
	}

	static Path writeTwoChannelTiff(final Path file) {
		final ImageStack s = new ImageStack(8, 8);
		s.addSlice(new FloatProcessor(8, 8).convertToByte(false));
		s.addSlice(new FloatProcessor(8, 8).convertToByte(false));
		final ImagePlus imp = new ImagePlus("two", s);
		imp.setDimensions(2, 1, 1);
		new FileSaver(imp).saveAsTiffStack(file.toString());
		return file;
	}
}
