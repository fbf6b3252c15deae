package io.github.zoomcam.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import io.github.zoomcam.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.zoomcam.cli.ExplainCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ./zoomcam explain on images larger than the model input: tiles at native resolution by default. */
class TilingCliTest {

	@TempDir
	Path tmp;

	/** A 100 x 60 RGB image: larger than the tiny bundle's 48 x 48 input. */
	private Path image() {
		final Random random = new Random(7);
		final int[] rgb = new int[100 * 60];
		for (int i = 0; i < rgb.length; i++) rgb[i] = random.nextInt(1 << 24);
		final Path file = tmp.resolve("wide.png");
		new FileSaver(new ImagePlus("wide", new ColorProcessor(100, 60, rgb))).saveAsPng(file.toString());
		return file;
	}

	private static JsonObject settings(final Path dir) throws IOException {
		return JsonParser.parseString(Files.readString(dir.resolve("result.json"))).getAsJsonObject().getAsJsonObject(
			"settings");
	}

	@Test
	void aLargerImageIsExplainedInTilesWithFullSizeOutputs() throws IOException {
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(),
			"--tile", "auto", image().toString());
		assertEquals(0, r.code(), r.err());
		// 100 px: (100 - 48) / 36 = 1.4 -> 3 tiles; 60 px: 2 tiles
		assertTrue(r.err().contains("explained in 3x2 tiles of 48x48 px"), r.err());
		final Path dir = out.resolve("wide");
		final ImagePlus heatmaps = IJ.openImage(dir.resolve("heatmaps.tif").toString());
		assertEquals(100, heatmaps.getWidth());
		assertEquals(60, heatmaps.getHeight());
		assertEquals(6, heatmaps.getStackSize(), "an image of at most 1024x1024: per-layer maps at full size");
		assertEquals("zoom-cam", heatmaps.getStack().getSliceLabel(6));
		final ImagePlus labels = IJ.openImage(dir.resolve("labels.tif").toString());
		assertEquals(100, labels.getWidth());
		final JsonObject s = settings(dir);
		assertEquals("auto", s.get("tile").getAsString());
		assertEquals(0.25, s.get("overlap").getAsDouble());
		assertEquals("auto", s.get("scale").getAsString());
		assertEquals(1, s.get("series").getAsInt());
	}

	@Test
	void withoutPerLayerMapsTheStackIsTheStitchedMapAlone() {
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(),
			"--tile", "auto", "--layer-maps", "input", image().toString());
		assertEquals(0, r.code(), r.err());
		final ImagePlus heatmaps = IJ.openImage(out.resolve("wide/heatmaps.tif").toString());
		assertEquals(1, heatmaps.getStackSize());
		assertEquals(100, heatmaps.getWidth());
	}

	@Test
	void tilingEntersTheResultKey() throws IOException {
		final Path img = image();
		final Path out = tmp.resolve("out");
		assertEquals(0, run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(), "--tile", "auto",
			img.toString()).code());
		final String first = JsonParser.parseString(Files.readString(out.resolve("wide/result.json")))
			.getAsJsonObject().get("settings_hash").getAsString();
		final ExplainCliTest.Run same = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(),
			"--tile", "auto", img.toString());
		assertTrue(same.err().contains("skipped"), same.err());
		final ExplainCliTest.Run other = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out.toString(),
			"--tile", "auto", "--overlap", "0.1", img.toString());
		assertTrue(other.err().contains("explained in"), other.err());
		final String second = JsonParser.parseString(Files.readString(out.resolve("wide/result.json")))
			.getAsJsonObject().get("settings_hash").getAsString();
		assertNotEquals(first, second);
	}

	@Test
	void badTilingValuesAndMissingSeriesAreOneLine() {
		final ExplainCliTest.Run bad = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", tmp.resolve("o")
			.toString(), "--tile", "1", image().toString());
		assertEquals(2, bad.code());
		assertEquals("error: tile size 1 is too small; give at least 2 pixels, or auto", bad.err().strip());
		final ExplainCliTest.Run series = run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", tmp.resolve(
			"s").toString(), "--series", "2", image().toString());
		assertEquals(1, series.code(), "the image fails, the run goes on");
		assertTrue(series.err().contains("cannot read series 2 of") && series.err().contains("only Bio-Formats"),
			series.err());
	}

	/**
	 * A bundle that declares its training pixel size and a calibrated image: scale auto explains the image at
	 * that pixel size (1 um model pixels, 0.5 um image pixels: tiles of 96 image pixels for the 48-pixel input);
	 * an uncalibrated image, or a scale given, at what is given.
	 */
	@Test
	void scaleAutoFollowsTheBundlesPixelSize() throws IOException {
		final Path bundle = tmp.resolve("bundle");
		Files.createDirectories(bundle);
		try (java.util.stream.Stream<Path> files = Files.list(Fixtures.BUNDLE)) {
			for (final Path f : files.toList()) Files.copy(f, bundle.resolve(f.getFileName()));
		}
		final JsonObject manifest = JsonParser.parseString(Files.readString(bundle.resolve("zoomcam.json")))
			.getAsJsonObject();
		manifest.addProperty("pixel_size_um", 1.0);
		Files.writeString(bundle.resolve("zoomcam.json"), manifest.toString());
		final Random random = new Random(3);
		final int[] rgb = new int[300 * 200];
		for (int i = 0; i < rgb.length; i++) rgb[i] = random.nextInt(1 << 24);
		final ImagePlus calibrated = new ImagePlus("calibrated", new ColorProcessor(300, 200, rgb));
		calibrated.getCalibration().pixelWidth = 0.5;
		calibrated.getCalibration().pixelHeight = 0.5;
		calibrated.getCalibration().setUnit("micron");
		final Path tif = tmp.resolve("calibrated.tif");
		new FileSaver(calibrated).saveAsTiff(tif.toString());
		final Path out = tmp.resolve("out-pixels");
		ExplainCliTest.Run r = run("explain", "--model", bundle.toString(), "--out", out.toString(), "--tile", "auto",
			tif.toString());
		assertEquals(0, r.code(), r.err());
		// 300 px with 96-pixel tiles at most 72 apart: 4 tiles; 200 px: 3 (48-pixel tiles at most 36 apart: 8 x 6)
		assertTrue(r.err().contains("explained in 4x3 tiles of 96x96 px at 2 image px per model px"), r.err());
		r = run("explain", "--model", bundle.toString(), "--out", tmp.resolve("out-one").toString(), "--tile", "auto",
			"--scale", "1", tif.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(r.err().contains("explained in 8x6 tiles of 48x48 px)"), r.err());
		// The same pixels without a calibration: native resolution.
		r = run("explain", "--model", bundle.toString(), "--out", tmp.resolve("out-png").toString(), "--tile", "auto",
			image().toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(r.err().contains("explained in 3x2 tiles of 48x48 px)"), r.err());
		final ExplainCliTest.Run info = run("info", "--model", bundle.toString());
		assertTrue((info.out() + info.err()).contains("1.0 um per pixel"), info.out() + info.err());
		// A declared pixel size that is not a positive number is refused when the bundle loads.
		manifest.addProperty("pixel_size_um", -2);
		Files.writeString(bundle.resolve("zoomcam.json"), manifest.toString());
		r = run("explain", "--model", bundle.toString(), "--out", tmp.resolve("out-bad").toString(), tif.toString());
		assertEquals(2, r.code(), r.err());
		assertTrue(r.err().contains("'pixel_size_um' is -2; give the training images' pixel size in micrometres"), r
			.err());
	}
}
