package io.github.zoomcam.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.io.RoiDecoder;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import io.github.zoomcam.pipeline.PseudoLabelOutputs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image-guided refinement through ./zoomcam explain with the bundled model: instances.tif, boxes.csv and
 * rois.zip describe the same instances; --refine none is the paper's protocol; an all-dark image gives no
 * labels and one warning; bad refinement options fail with one line.
 */
public class RefineCliTest {

	public static final Path MODEL = Paths.get("plugins", "Zoom-CAM", "models", "synthetic-cells").toAbsolutePath();
	public static final Path SAMPLES = Paths.get("plugins", "Zoom-CAM", "samples", "images").toAbsolutePath();

	@TempDir
	Path tmp;

	private ExplainCliTest.Run explain(final Path out, final String... more) {
		final List<String> args = new ArrayList<>(List.of("explain", "--model", MODEL.toString(), "--out", out
			.toString(), "--device", "cpu"));
		args.addAll(List.of(more));
		return ExplainCliTest.run(args.toArray(String[]::new));
	}

	/** One row of boxes.csv. */
	public record Row(int instance, String className, double score, Rectangle box, int area) {}

	public static List<Row> rows(final Path boxesCsv) throws IOException {
		final List<String> lines = Files.readAllLines(boxesCsv);
		assertEquals(PseudoLabelOutputs.BOXES_HEADER, lines.get(0));
		assertEquals("image,instance,class,score,probability,x,y,width,height,area_px", lines.get(0));
		final List<Row> rows = new ArrayList<>();
		for (final String line : lines.subList(1, lines.size())) {
			final String[] c = line.split(",");
			rows.add(new Row(Integer.parseInt(c[1]), c[2], Double.parseDouble(c[3]), new Rectangle(Integer.parseInt(
				c[5]), Integer.parseInt(c[6]), Integer.parseInt(c[7]), Integer.parseInt(c[8])), Integer.parseInt(c[9])));
		}
		return rows;
	}

	public static List<Roi> rois(final Path zipFile) throws IOException {
		final List<Roi> rois = new ArrayList<>();
		try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(zipFile))) {
			for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
				final Roi roi = RoiDecoder.openFromByteArray(zip.readAllBytes());
				assertNotNull(roi, e.getName());
				// the entry is named as its ROI, made unique as the ROI Manager needs ("rod 0.30-2.roi")
				assertTrue(e.getName().startsWith(roi.getName()) && e.getName().endsWith(".roi"), e.getName());
				rois.add(roi);
			}
		}
		return rois;
	}

	private static JsonObject json(final Path dir) throws IOException {
		return JsonParser.parseString(Files.readString(dir.resolve("result.json"))).getAsJsonObject();
	}

	/**
	 * Every instance of instances.tif is one row of boxes.csv (same id, box and area, its class in labels.tif)
	 * and one outline plus one box in rois.zip, named "<class> <score>".
	 */
	public static void assertInstancesAgree(final Path dir, final List<String> classes) throws IOException {
		final List<Row> rows = rows(dir.resolve("boxes.csv"));
		final ImagePlus instances = IJ.openImage(dir.resolve("instances.tif").toString());
		final ImagePlus labels = IJ.openImage(dir.resolve("labels.tif").toString());
		assertEquals(16, instances.getBitDepth());
		final ImageProcessor ids = instances.getProcessor();
		final int w = ids.getWidth();
		final int h = ids.getHeight();
		// per id: bounding box, pixel count, and the labels under it
		final int n = rows.size();
		final int[] minX = new int[n + 1];
		final int[] minY = new int[n + 1];
		final int[] maxX = new int[n + 1];
		final int[] maxY = new int[n + 1];
		final int[] area = new int[n + 1];
		java.util.Arrays.fill(minX, Integer.MAX_VALUE);
		java.util.Arrays.fill(minY, Integer.MAX_VALUE);
		java.util.Arrays.fill(maxX, -1);
		java.util.Arrays.fill(maxY, -1);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final int id = ids.get(x, y);
				assertTrue(id <= n, "id " + id + " at " + x + "," + y + " has no row in boxes.csv (" + n + " rows)");
				if (id == 0) {
					assertEquals(0, labels.getProcessor().get(x, y), "a labelled pixel outside every instance");
					continue;
				}
				minX[id] = Math.min(minX[id], x);
				minY[id] = Math.min(minY[id], y);
				maxX[id] = Math.max(maxX[id], x);
				maxY[id] = Math.max(maxY[id], y);
				area[id]++;
				assertEquals(classes.indexOf(rows.get(id - 1).className()) + 1, labels.getProcessor().get(x, y),
					"class of instance " + id + " in labels.tif");
			}
		}
		for (int i = 0; i < n; i++) {
			final Row row = rows.get(i);
			assertEquals(i + 1, row.instance(), "rows in id order");
			final int id = row.instance();
			assertEquals(new Rectangle(minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1), row.box(),
				"box of instance " + id);
			assertEquals(area[id], row.area(), "area of instance " + id);
			assertTrue(row.score() > 0 && row.score() <= 1, "score is the class evidence in (0, 1]: " + row.score());
		}

		final List<Roi> rois = rois(dir.resolve("rois.zip"));
		assertEquals(2 * n, rois.size(), "an outline and a box per instance");
		for (int i = 0; i < n; i++) {
			final Row row = rows.get(i);
			final Roi outline = rois.get(2 * i);
			final Roi box = rois.get(2 * i + 1);
			final String name = String.format(Locale.ROOT, "%s %.2f", row.className(), row.score());
			assertEquals(name, outline.getName());
			assertEquals(name + " box", box.getName());
			assertEquals(String.valueOf(row.instance()), outline.getProperty(PseudoLabelOutputs.INSTANCE_PROPERTY));
			assertEquals(String.valueOf(row.instance()), box.getProperty(PseudoLabelOutputs.INSTANCE_PROPERTY));
			assertEquals(Roi.RECTANGLE, box.getType());
			assertEquals(row.box(), box.getBounds(), "box ROI of instance " + row.instance());
			assertEquals(row.box(), outline.getBounds(), "outline of instance " + row.instance());
			int inside = 0;
			for (final java.awt.Point p : outline.getContainedPoints()) {
				assertEquals(row.instance(), ids.get(p.x, p.y), "outline of " + row.instance() + " covers " + p);
				inside++;
			}
			assertEquals(row.area(), inside, "the outline holds exactly the instance's pixels");
		}
	}

	@Test
	void theDefaultRefinementWritesInstancesThatAgreeWithBoxesAndRois() throws IOException {
		final Path out = tmp.resolve("out");
		final ExplainCliTest.Run r = explain(out, SAMPLES.resolve("img_00000.tif").toString(), SAMPLES.resolve(
			"img_00006.tif").toString());
		assertEquals(0, r.code(), r.err());
		final List<String> classes = List.of("nucleus", "rod", "ring", "puncta");
		for (final String image : List.of("img_00000", "img_00006")) {
			final Path dir = out.resolve(image);
			assertInstancesAgree(dir, classes);
			final List<Row> rows = rows(dir.resolve("boxes.csv"));
			assertTrue(rows.size() >= 4, image + ": several instances with the default refinement, not one per "
				+ "class: " + rows.size());
			final JsonObject labels = json(dir).getAsJsonObject("pseudo_labels");
			assertTrue(labels.get("refine").getAsString().startsWith("image method=Li "), labels.get("refine")
				.getAsString());
			assertEquals(rows.size(), labels.get("instance_count").getAsInt());
			assertEquals("instances.tif", labels.getAsJsonObject("files").get("instances").getAsString());
			int listed = 0;
			for (final JsonElement c : labels.getAsJsonArray("classes")) {
				for (final JsonElement k : c.getAsJsonObject().getAsJsonArray("components")) {
					final JsonObject o = k.getAsJsonObject();
					final Row row = rows.get(o.get("instance").getAsInt() - 1);
					assertEquals(c.getAsJsonObject().get("class").getAsString(), row.className());
					assertEquals(row.area(), o.get("area_px").getAsInt());
					listed++;
				}
			}
			assertEquals(rows.size(), listed, "result.json lists every instance once");
			assertTrue(json(dir).getAsJsonObject("settings").get("refine").getAsString().startsWith("image"));
		}
		assertTrue(r.err().lines().noneMatch(l -> l.contains("pseudo-labels:")), "no label warning\n" + r.err());
	}

	@Test
	void refineNoneIsThePapersProtocolWithOneInstancePerKeptComponent() throws IOException {
		final Path out = tmp.resolve("none");
		final ExplainCliTest.Run r = explain(out, "--refine", "none", SAMPLES.resolve("img_00000.tif").toString());
		assertEquals(0, r.code(), r.err());
		final Path dir = out.resolve("img_00000");
		final JsonObject labels = json(dir).getAsJsonObject("pseudo_labels");
		assertEquals("none", labels.get("refine").getAsString());
		assertEquals("fraction:0.25", labels.get("threshold").getAsString());
		final List<Row> rows = rows(dir.resolve("boxes.csv"));
		assertEquals(labels.getAsJsonArray("classes").size(), rows.size(), "largest component per class");
		assertEquals(rows.size(), labels.get("instance_count").getAsInt());
		// Each row is its class's kept component: the mask's pixels of that class's largest component.
		final ImageProcessor ids = IJ.openImage(dir.resolve("instances.tif").toString()).getProcessor();
		final List<Roi> rois = rois(dir.resolve("rois.zip"));
		assertEquals(2 * rows.size(), rois.size());
		for (int i = 0; i < rows.size(); i++) {
			assertEquals(rows.get(i).box(), rois.get(2 * i).getBounds(), "outline of the kept component " + (i + 1));
			assertEquals(rows.get(i).area(), rois.get(2 * i).getContainedPoints().length, "component area");
			int owned = 0;
			for (int p = 0; p < ids.getPixelCount(); p++) if (ids.get(p) == i + 1) owned++;
			assertTrue(owned > 0 && owned <= rows.get(i).area(), "instance " + (i + 1) + " owns " + owned + " pixels");
		}
	}

	/** A 128x128 8-bit image of dark noise (0..2): not flat, but nothing stands out from the background. */
	private Path darkImage() {
		final Random random = new Random(42);
		final byte[] pixels = new byte[128 * 128];
		for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) random.nextInt(3);
		final Path file = tmp.resolve("dark.tif");
		assertTrue(new FileSaver(new ImagePlus("dark", new ByteProcessor(128, 128, pixels))).saveAsTiff(file
			.toString()));
		return file;
	}

	@Test
	void anAllDarkImageGivesNoLabelsAndOneWarning() throws IOException {
		final Path image = darkImage();
		final Path out = tmp.resolve("dark-out");
		// the class is asked for by name, so that the refinement runs whatever the classifier thinks
		final ExplainCliTest.Run r = explain(out, "--target", "nucleus,rod", image.toString());
		assertEquals(0, r.code(), r.err());
		final List<String> warnings = r.err().lines().filter(l -> l.startsWith("warning:")).toList();
		assertEquals(1, warnings.size(), r.err());
		assertTrue(warnings.get(0).contains("dark.tif: pseudo-labels: no object stands out from the background"),
			warnings.get(0));
		final Path dir = out.resolve("dark");
		assertEquals(List.of(), rows(dir.resolve("boxes.csv")), "no boxes");
		assertEquals(0, (int) IJ.openImage(dir.resolve("labels.tif").toString()).getStatistics().max);
		assertEquals(0, (int) IJ.openImage(dir.resolve("instances.tif").toString()).getStatistics().max);
		assertEquals(0, rois(dir.resolve("rois.zip")).size());
		final JsonObject json = json(dir);
		assertEquals(0, json.getAsJsonObject("pseudo_labels").get("instance_count").getAsInt());
		assertTrue(json.getAsJsonArray("warnings").toString().contains("no object stands out"), json.get("warnings")
			.toString());
		assertFalse(r.err().contains("Exception"), r.err());
	}

	@Test
	void refinementOptionsAreReadAndRecorded() throws IOException {
		final Path out = tmp.resolve("opts");
		final ExplainCliTest.Run r = explain(out, "--refine-thresholding", "otsu", "--refine-sigma", "1.5",
			"--refine-background", "25", "--refine-polarity", "bright", "--refine-watershed", "false",
			"--refine-min-evidence", "0.1", "--refine-noise-floor", "3", "--refine-min-size", "6", SAMPLES.resolve(
				"img_00003.tif").toString());
		assertEquals(0, r.code(), r.err());
		final String refine = json(out.resolve("img_00003")).getAsJsonObject("pseudo_labels").get("refine")
			.getAsString();
		for (final String part : List.of("method=Otsu", "sigma=1.5", "rolling=25", "polarity=bright", "watershed=off",
			"min_evidence=0.1", "noise_floor=3", "min_area=6"))
		{
			assertTrue(refine.contains(part), refine + " should hold " + part);
		}
		assertInstancesAgree(out.resolve("img_00003"), List.of("nucleus", "rod", "ring", "puncta"));
	}

	@Test
	void badRefinementOptionsGiveOneLineErrors() {
		for (final String[] bad : new String[][] { {"--refine", "magic"}, {"--refine-thresholding", "Brightest"},
			{"--refine-polarity", "up"}, {"--refine-sigma", "-1"}, {"--refine-watershed", "maybe"}, {"--threshold",
				"0.5"}, {"--keep", "all"}, {"--background", "0.3"}})
		{
			final List<String> args = new ArrayList<>(List.of(bad));
			args.add(SAMPLES.resolve("img_00000.tif").toString());
			final ExplainCliTest.Run r = explain(tmp.resolve("x"), args.toArray(String[]::new));
			assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
			assertEquals(1, r.err().strip().lines().count(), r.err());
			assertFalse(r.err().contains("Exception"), r.err());
		}
		final ExplainCliTest.Run paper = explain(tmp.resolve("x"), "--threshold", "0.5", SAMPLES.resolve(
			"img_00000.tif").toString());
		assertTrue(paper.err().contains("applies to refine=none"), paper.err());
		assertTrue(paper.err().contains("--refine none"), paper.err());
	}

	/**
	 * A 256x256 mosaic of four samples, larger than the model's 128x128 input: explained in tiles, labelled by
	 * the same refinement on the stitched maps and the full-resolution image.
	 */
	@Test
	void aTiledImageIsRefinedOnItsStitchedMapsAndFullImage() throws IOException {
		final ij.process.ImageProcessor mosaic = new ByteProcessor(256, 256);
		final String[] names = { "img_00000.tif", "img_00003.tif", "img_00005.tif", "img_00006.tif" };
		for (int k = 0; k < 4; k++) {
			mosaic.insert(IJ.openImage(SAMPLES.resolve(names[k]).toString()).getProcessor(), 128 * (k % 2), 128 * (k
				/ 2));
		}
		final Path file = tmp.resolve("mosaic.tif");
		assertTrue(new FileSaver(new ImagePlus("mosaic", mosaic)).saveAsTiff(file.toString()));
		final Path out = tmp.resolve("tiled");
		final ExplainCliTest.Run r = explain(out, "--tile", "auto", file.toString());
		assertEquals(0, r.code(), r.err());
		assertTrue(r.err().contains("explained in 3x3 tiles of 128x128 px"), r.err());
		final Path dir = out.resolve("mosaic");
		assertEquals("auto", json(dir).getAsJsonObject("settings").get("tile").getAsString());
		assertTrue(json(dir).getAsJsonObject("pseudo_labels").get("refine").getAsString().startsWith("image "));
		assertEquals(256, IJ.openImage(dir.resolve("instances.tif").toString()).getWidth());
		assertInstancesAgree(dir, List.of("nucleus", "rod", "ring", "puncta"));
		assertTrue(rows(dir.resolve("boxes.csv")).size() >= 8, "instances of four samples: " + rows(dir.resolve(
			"boxes.csv")).size());
	}
}
