package io.github.zoomcam.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.TiffDecoder;
import ij.process.ImageProcessor;
import io.github.zoomcam.Fixtures;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile batch showed, through ./zoomcam explain: each bad file costs only itself, with one line
 * that says what is wrong and what to do, and the good files are explained.
 */
class HostileInputTest {

	@TempDir
	Path tmp;

	private ExplainCliTest.Run explain(final Path out, final String... images) {
		final List<String> args = new ArrayList<>(List.of("explain", "--model", Fixtures.BUNDLE.toString(), "--out",
			out.toString(), "--device", "cpu"));
		args.addAll(List.of(images));
		return ExplainCliTest.run(args.toArray(String[]::new));
	}

	/** An 8-bit TIFF with a gradient, written by ImageJ. */
	static Path gradientTiff(final Path file, final int w, final int h) {
		final ImagePlus image = IJ.createImage("gradient", "8-bit ramp", w, h, 1);
		new FileSaver(image).saveAsTiff(file.toString());
		return file;
	}

	/** Where the pixel data of an uncompressed single-image TIFF starts, by ImageJ's own decoder. */
	static long pixelOffset(final Path file) throws IOException {
		final FileInfo[] info = new TiffDecoder(file.getParent() + "/", file.getFileName().toString()).getTiffInfo();
		return info[0].getOffset();
	}

	static void truncate(final Path file, final long length) throws IOException {
		try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
			c.truncate(length);
		}
	}

	private static JsonObject resultJson(final Path folder) throws IOException {
		return JsonParser.parseString(Files.readString(folder.resolve("result.json"))).getAsJsonObject();
	}

	private static String lineAbout(final ExplainCliTest.Run r, final String file) {
		return r.err().lines().filter(l -> l.contains(file) && l.startsWith("[")).findFirst().orElse("(no line about " +
			file + ")\n" + r.err());
	}

	@Test
	void aTiffCutInsideItsPixelDataIsSkippedWithItsReason() throws IOException {
		final Path good = gradientTiff(tmp.resolve("good.tif"), 64, 50);
		final Path cut = gradientTiff(tmp.resolve("cut.tif"), 64, 50);
		// 64 x 50 8-bit pixels = 3200 bytes from the pixel offset; keep half of them
		final long offset = pixelOffset(cut);
		truncate(cut, offset + 1600);
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = explain(out, good.toString(), cut.toString());
		assertEquals(1, r.code(), r.err());
		final String line = lineAbout(r, "cut.tif");
		assertTrue(line.contains("failed: cut.tif is truncated: its pixel data needs " + (offset + 3200) +
			" bytes but the file has " + (offset + 1600)), line);
		assertTrue(line.contains("copy or export it again"), line);
		assertFalse(Files.exists(out.resolve("cut")), "no result for the cut file");
		assertTrue(Files.isRegularFile(out.resolve("good").resolve("result.json")), "the batch went on");
		assertTrue(r.err().contains("done: 1 explained, 0 skipped, 1 failed"), r.err());
	}

	@Test
	void theOpenerIsLoggedPerFileAndRecordedInResultJson() throws IOException {
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = explain(out, Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(lineAbout(r, "cells_rgb.png").contains("cells_rgb.png (ImageJ): "), r.err());
		final JsonObject source = resultJson(out.resolve("cells_rgb")).getAsJsonObject("source");
		assertEquals("ImageJ", source.get("opener").getAsString(), "no Bio-Formats without Fiji");
		assertFalse(source.has("opener_note"), "ImageJ was the only opener tried");
	}

	@Test
	void imagesSmallerThanTheModelExplainsAreRefused() throws IOException {
		// tiny-fixture: 48 x 48 input, coarsest layer stride 4: at least max(4, 48 / 8) = 6 pixels a side
		final Path one = gradientTiff(tmp.resolve("one.tif"), 1, 1);
		final Path five = gradientTiff(tmp.resolve("five.tif"), 5, 40);
		final Path six = gradientTiff(tmp.resolve("six.tif"), 6, 6);
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = explain(out, one.toString(), five.toString(), six.toString());
		assertEquals(1, r.code(), r.err());
		assertTrue(lineAbout(r, "one.tif").contains("one.tif is 1x1 pixels, smaller than model 'tiny-fixture' " +
			"explains (at least 6x6: 1/8 of its 48x48 input, and its coarsest layer's stride 4)"), r.err());
		assertTrue(lineAbout(r, "five.tif").contains("five.tif is 5x40 pixels"), r.err());
		assertTrue(Files.isRegularFile(out.resolve("six").resolve("result.json")), "6 x 6 is explained");
	}

	@Test
	void flatImagesAreWarnedAndGivenNoLabels() throws IOException {
		final Path zero = tmp.resolve("zero.tif");
		new FileSaver(IJ.createImage("zero", "16-bit black", 64, 50, 1)).saveAsTiff(zero.toString());
		final ImagePlus grey = IJ.createImage("grey", "16-bit black", 64, 50, 1);
		grey.getProcessor().set(1234);
		final Path constant = tmp.resolve("constant.tif");
		new FileSaver(grey).saveAsTiff(constant.toString());
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = explain(out, zero.toString(), constant.toString(), Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), "flat images are not failures: " + r.err());
		assertTrue(r.err().contains("warning: zero.tif is flat (every pixel is 0): nothing to explain, no labels " +
			"given"), r.err());
		assertTrue(r.err().contains("warning: constant.tif is flat (every pixel has the value 1234)"), r.err());
		for (final String name : List.of("zero", "constant")) {
			assertEquals(1, r.err().lines().filter(l -> l.startsWith("warning:") && l.contains(name + ".tif")).count(),
				"one warning line per flat image\n" + r.err());
			assertEquals(0, IJ.openImage(out.resolve(name).resolve("instances.tif").toString()).getStatistics().max);
			final JsonObject json = resultJson(out.resolve(name));
			assertEquals(0, json.getAsJsonArray("targets").size(), name + ": no class explained");
			final JsonArray warnings = json.getAsJsonArray("warnings");
			assertTrue(warnings.toString().contains("is flat"), warnings.toString());
			assertTrue(json.getAsJsonObject("class_scores").has("nucleus"), "its class scores are kept");
			final ImagePlus labels = IJ.openImage(out.resolve(name).resolve("labels.tif").toString());
			final ImageProcessor ip = labels.getProcessor();
			assertEquals(0, ip.getStatistics().max, name + ": the label image is all background");
			assertEquals("", Files.readString(out.resolve(name).resolve("boxes.csv")).lines().skip(1).reduce("",
				String::concat), name + ": no boxes");
		}
		assertTrue(resultJson(out.resolve("cells_rgb")).getAsJsonArray("targets").size() > 0, "the batch went on");
	}

	@Test
	void channelAdviceFitsTheImage() throws IOException {
		// a 2-channel image for the RGB fixture model: merge to RGB
		final Path two = ExplainCliTest.writeTwoChannelTiff(tmp.resolve("two.tif"));
		final ExplainCliTest.Run r = explain(tmp.resolve("out"), two.toString());
		assertTrue(lineAbout(r, "two.tif").contains("is a 2-channel image but model 'tiny-fixture' expects 3 " +
			"channels (RGB); merge its channels into one RGB image (Image > Color > Stack to RGB"), r.err());
		// a 2-channel image for the grey bundled model: split or pick one, never "8-bit"
		final ExplainCliTest.Run grey = ExplainCliTest.run("explain", "--model", Paths.get("plugins", "Zoom-CAM",
			"models", "synthetic-cells").toString(), "--out", tmp.resolve("out2").toString(), "--device", "cpu", two
				.toString());
		final String line = lineAbout(grey, "two.tif");
		assertTrue(line.contains("expects a grey image (1 channel); split its channels (Image > Color > Split " +
			"Channels)") && line.contains("Image > Duplicate..."), line);
		assertFalse(line.contains("8-bit"), line);
	}

	@Test
	void anOutputFolderThatCannotBeMadeFailsBeforeAnyModelWork() {
		Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self")), "needs Linux's /proc");
		// even root cannot make a folder in /proc; the model path does not exist either, and is never reached
		final ExplainCliTest.Run r = ExplainCliTest.run("explain", "--model", Fixtures.BUNDLE.toString(), "--out",
			"/proc/zoomcam-out", "--device", "cpu", Fixtures.RGB_IMAGE.toString());
		assertEquals(2, r.code(), r.err());
		assertTrue(r.err().contains("error: cannot create output folder /proc/zoomcam-out") && r.err().contains(
			"choose a writable folder"), r.err());
		assertFalse(r.err().contains("model: "), "no model was loaded: " + r.err());
	}
}
