package io.github.zoomcam.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.RoiDecoder;
import ij.process.ImageProcessor;
import io.github.zoomcam.Fixtures;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The five pseudo-label outputs of ./zoomcam explain against tools/reference_labels.py, which labels the
 * independent PyTorch reference maps with its own numpy code.
 */
public class PseudoLabelCliTest {

	@TempDir
	Path tmp;

	private static JsonObject reference() throws IOException {
		return JsonParser.parseString(Files.readString(Fixtures.ROOT.resolve("expected").resolve(
			"pseudo_labels_several.json"))).getAsJsonObject();
	}

	/**
	 * boxes.csv of the fixture RGB image explained for nucleus, ring and debris at threshold 0.6 with the
	 * paper's protocol (refine none) against tools/reference_labels.py; returns the summed area.
	 */
	public static int assertBoxesMatchTheReference(final Path boxesCsv, final String imageName) throws IOException {
		final JsonArray classes = reference().getAsJsonArray("classes");
		final List<String> rows = Files.readAllLines(boxesCsv);
		assertEquals("image,instance,class,score,probability,x,y,width,height,area_px", rows.get(0));
		assertEquals(classes.size() + 1, rows.size(), "one component per class (largest kept)");
		int totalArea = 0;
		for (int k = 0; k < classes.size(); k++) {
			final JsonObject c = classes.get(k).getAsJsonObject();
			final String[] cells = rows.get(k + 1).split(",");
			assertEquals(imageName, cells[0]);
			assertEquals(k + 1, Integer.parseInt(cells[1]), "instance id");
			assertEquals(c.get("class").getAsString(), cells[2]);
			assertEquals(c.get("x").getAsInt(), Integer.parseInt(cells[5]), "x of " + cells[2]);
			assertEquals(c.get("y").getAsInt(), Integer.parseInt(cells[6]), "y of " + cells[2]);
			assertEquals(c.get("width").getAsInt(), Integer.parseInt(cells[7]), "width of " + cells[2]);
			assertEquals(c.get("height").getAsInt(), Integer.parseInt(cells[8]), "height of " + cells[2]);
			assertEquals(c.get("area_px").getAsInt(), Integer.parseInt(cells[9]), "area of " + cells[2]);
			totalArea += c.get("area_px").getAsInt();
		}
		return totalArea;
	}

	private Path explainSeveral(final String... extra) {
		final Path out = tmp.resolve("out");
		final List<String> args = new ArrayList<>(List.of("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out
			.toString(), "--device", "cpu", "--target", "nucleus,ring,debris", "--refine", "none", "--threshold", "0.6"));
		args.addAll(List.of(extra));
		args.add(Fixtures.RGB_IMAGE.toString());
		final ExplainCliTest.Run r = ExplainCliTest.run(args.toArray(String[]::new));
		assertEquals(0, r.code(), r.err());
		return out.resolve("cells_rgb");
	}

	@Test
	void boxesMaskAndLabelImageMatchTheReference() throws IOException {
		final Path dir = explainSeveral();
		final JsonObject ref = reference();
		final JsonArray classes = ref.getAsJsonArray("classes");

		final int totalArea = assertBoxesMatchTheReference(dir.resolve("boxes.csv"), "cells_rgb.png");

		final ImagePlus mask = IJ.openImage(dir.resolve("mask.tif").toString());
		assertEquals(8, mask.getBitDepth());
		assertEquals(57, mask.getWidth());
		assertEquals(41, mask.getHeight());
		final Map<Integer, Integer> maskCounts = histogram(mask.getProcessor());
		assertEquals(Map.of(0, 57 * 41 - union(dir), 255, union(dir)), maskCounts);
		assertTrue(union(dir) <= totalArea);

		final ImagePlus labels = IJ.openImage(dir.resolve("labels.tif").toString());
		assertEquals(16, labels.getBitDepth());
		final Map<Integer, Integer> expected = new HashMap<>();
		ref.getAsJsonObject("label_counts").entrySet().forEach(e -> expected.put(Integer.parseInt(e.getKey()), e
			.getValue().getAsInt()));
		assertEquals(expected, histogram(labels.getProcessor()));
	}

	/** Pixels labelled non-zero in the label image: with the default background they form the mask. */
	private static int union(final Path dir) {
		final ImageProcessor ip = IJ.openImage(dir.resolve("labels.tif").toString()).getProcessor();
		int n = 0;
		for (int i = 0; i < ip.getPixelCount(); i++) if (ip.get(i) != 0) n++;
		return n;
	}

	@Test
	void roiSetOpensWithImageJsDecoderWithOutlinesAndBoxes() throws IOException {
		final Path dir = explainSeveral();
		final JsonArray classes = reference().getAsJsonArray("classes");
		final List<Roi> rois = new ArrayList<>();
		try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(dir.resolve("rois.zip")))) {
			for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
				final Roi roi = RoiDecoder.openFromByteArray(zip.readAllBytes());
				assertTrue(roi != null, "entry " + e.getName() + " decodes");
				roi.setName(e.getName().replaceAll("\\.roi$", ""));
				rois.add(roi);
			}
		}
		assertEquals(2 * classes.size(), rois.size(), "an outline and a box per kept component");
		for (int k = 0; k < classes.size(); k++) {
			final JsonObject c = classes.get(k).getAsJsonObject();
			final Roi outline = rois.get(2 * k);
			final Roi box = rois.get(2 * k + 1);
			assertTrue(outline.getName().matches(c.get("class").getAsString() + " [01]\\.\\d\\d"), outline.getName());
			assertEquals(String.valueOf(k + 1), outline.getProperty("instance"));
			assertEquals(outline.getName() + " box", box.getName());
			assertEquals(Roi.RECTANGLE, box.getType());
			assertEquals(new java.awt.Rectangle(c.get("x").getAsInt(), c.get("y").getAsInt(), c.get("width").getAsInt(),
				c.get("height").getAsInt()), box.getBounds());
			assertEquals(box.getBounds(), outline.getBounds(), "outline of " + c.get("class").getAsString());
			assertEquals(c.get("area_px").getAsInt(), outline.getContainedPoints().length, "outline area");
		}
	}

	@Test
	void overlayAndResultJsonDescribeThePseudoLabels() throws IOException {
		final Path dir = explainSeveral("--opacity", "0.3");
		final ImagePlus overlay = IJ.openImage(dir.resolve("overlay.png").toString());
		assertEquals(24, overlay.getBitDepth());
		assertEquals(57, overlay.getWidth());
		assertEquals(41, overlay.getHeight());
		final ImagePlus original = IJ.openImage(Fixtures.RGB_IMAGE.toString());
		int changed = 0;
		for (int i = 0; i < 57 * 41; i++) {
			if (overlay.getProcessor().get(i) != original.getProcessor().get(i)) changed++;
		}
		assertTrue(changed > 57 * 41 / 2, "the heatmap tints the image: " + changed + " pixels changed");
		final JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("result.json"))).getAsJsonObject();
		final JsonObject labels = json.getAsJsonObject("pseudo_labels");
		assertEquals("boxes.csv", labels.getAsJsonObject("files").get("boxes").getAsString());
		assertEquals(3, labels.getAsJsonArray("classes").size());
		assertTrue(labels.get("threshold").getAsString().contains("0.6"), labels.get("threshold").getAsString());
	}

	@Test
	void defaultThresholdIsThePapersAndPseudoLabelsCanBeSwitchedOff() throws IOException {
		final Path out = tmp.resolve("out");
		ExplainCliTest.Run r = ExplainCliTest.run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", out
			.toString(), "--device", "cpu", "--refine", "none", Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		final JsonObject json = JsonParser.parseString(Files.readString(out.resolve("cells_rgb").resolve("result.json")))
			.getAsJsonObject();
		assertTrue(json.getAsJsonObject("pseudo_labels").get("threshold").getAsString().contains("0.25"));
		assertEquals("none", json.getAsJsonObject("pseudo_labels").get("refine").getAsString());
		// without --refine: the image-guided refinement, the default
		final Path refined = tmp.resolve("refined");
		r = ExplainCliTest.run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", refined.toString(),
			"--device", "cpu", Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		final JsonObject image = JsonParser.parseString(Files.readString(refined.resolve("cells_rgb").resolve(
			"result.json"))).getAsJsonObject();
		assertTrue(image.getAsJsonObject("pseudo_labels").get("refine").getAsString().startsWith("image "), image
			.getAsJsonObject("pseudo_labels").get("refine").getAsString());
		assertTrue(Files.isRegularFile(refined.resolve("cells_rgb").resolve("instances.tif")));
		final Path off = tmp.resolve("off");
		r = ExplainCliTest.run("explain", "--model", Fixtures.BUNDLE.toString(), "--out", off.toString(), "--device",
			"cpu", "--no-pseudo-labels", Fixtures.RGB_IMAGE.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(Files.exists(off.resolve("cells_rgb").resolve("heatmaps.tif")));
		assertFalse(Files.exists(off.resolve("cells_rgb").resolve("mask.tif")));
	}

	@Test
	void keepAllWithMinimumAreaKeepsMoreComponents() throws IOException {
		final Path dir = explainSeveral("--keep", "all", "--min-area", "2");
		final long rows = Files.readAllLines(dir.resolve("boxes.csv")).size() - 1;
		assertTrue(rows > 3, "several components per class at 60% of the maximum: " + rows);
	}

	@Test
	void badPseudoLabelOptionsGiveOneLineErrors() {
		for (final String[] bad : new String[][] { {"--keep", "biggest"}, {"--threshold", "half"}, {"--min-area", "5"},
			{"--opacity", "2"}, {"--background", "-1"}})
		{
			final List<String> args = new ArrayList<>(List.of("explain", "--model", Fixtures.BUNDLE.toString(), "--out",
				tmp.resolve("x").toString(), "--refine", "none"));
			args.addAll(List.of(bad));
			args.add(Fixtures.RGB_IMAGE.toString());
			final ExplainCliTest.Run r = ExplainCliTest.run(args.toArray(String[]::new));
			assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
			assertEquals(1, r.err().strip().lines().count(), r.err());
			assertFalse(r.err().contains("Exception"), r.err());
		}
	}

	private static Map<Integer, Integer> histogram(final ImageProcessor ip) {
		final Map<Integer, Integer> counts = new HashMap<>();
		for (int i = 0; i < ip.getPixelCount(); i++) counts.merge(ip.get(i), 1, Integer::sum);
		return counts;
	}
}
