package io.github.zoomcam.fiji;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.WindowManager;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.pipeline.ImageFiles;

import java.awt.Frame;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.module.Module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Explain Image..." through the SciJava command layer with macro option strings: golden ROI and box
 * positions on the fixture model (the numbers of tools/reference_labels.py), validation failures, stacks,
 * the bundled default model, and no window in a headless JVM.
 */
class ExplainImageCommandTest {

	static final Path SAMPLES = Paths.get("plugins", "Zoom-CAM", "samples").toAbsolutePath();

	private static CommandHarness harness;

	@BeforeAll
	static void start() {
		harness = new CommandHarness();
	}

	@AfterAll
	static void stop() {
		harness.close();
	}

	static String tiny(final String options) {
		// The fixture images are larger than the tiny bundle's 48x48 input; the references are whole-image maps.
		return "model=" + CommandHarness.quote(Fixtures.BUNDLE) + " device=cpu tile=none " + options;
	}

	private static ImagePlus rgb() {
		final ImagePlus image = ImageFiles.open(Fixtures.RGB_IMAGE);
		final Calibration cal = image.getCalibration();
		cal.pixelWidth = 0.25;
		cal.pixelHeight = 0.25;
		cal.setUnit("micron");
		return image;
	}

	@Test
	void roisBoxesLabelImageAndTableMatchTheReferenceLabels() throws IOException {
		final ImagePlus image = rgb();
		final Module m = harness.run(CommandText.EXPLAIN, tiny("method=zoomcam layers=default " +
			"target=nucleus,ring,debris refine=none threshold=0.6 keep=largest show_heatmaps=true show_map=true " +
			"show_overlay=true opacity=0.4 add_to_roi_manager=true show_labels=true show_table=true"), image);
		assertFalse(CommandHarness.canceled(m), () -> "cancelled: " + CommandHarness.reason(m));

		final JsonObject ref = JsonParser.parseString(Files.readString(Fixtures.ROOT.resolve("expected").resolve(
			"pseudo_labels_several.json"))).getAsJsonObject();
		final JsonArray classes = ref.getAsJsonArray("classes");

		// overlay: the heatmap, then per component its outline, its box and the box's label
		final Overlay overlay = image.getOverlay();
		assertNotNull(overlay);
		final List<Roi> outlines = new ArrayList<>();
		final List<Roi> boxes = new ArrayList<>();
		final List<Roi> labels = new ArrayList<>();
		int heat = 0;
		for (final Roi roi : overlay.toArray()) {
			if (roi instanceof ImageRoi) heat++;
			else if (roi instanceof TextRoi) labels.add(roi);
			else if (roi.getName().endsWith(" box")) boxes.add(roi);
			else outlines.add(roi);
			assertEquals("1", roi.getProperty(ExplainOutputs.TAG));
		}
		assertEquals(1, heat, "one heatmap image overlay");
		assertEquals(0.4, ((ImageRoi) overlay.get(0)).getOpacity(), 1e-6);
		assertEquals(classes.size(), outlines.size(), "one outline per class (largest kept)");
		assertEquals(classes.size(), boxes.size());
		assertEquals(classes.size(), labels.size());

		final ResultsTable table = (ResultsTable) m.getOutput("results");
		assertNotNull(table, "headless runs publish the table");
		assertEquals(classes.size(), table.size());
		for (int k = 0; k < classes.size(); k++) {
			final JsonObject c = classes.get(k).getAsJsonObject();
			final String name = c.get("class").getAsString();
			final Rectangle expected = new Rectangle(c.get("x").getAsInt(), c.get("y").getAsInt(), c.get("width")
				.getAsInt(), c.get("height").getAsInt());
			assertTrue(outlines.get(k).getName().matches(java.util.regex.Pattern.quote(name) + " [01]\\.\\d\\d"), outlines
				.get(k).getName());
			assertEquals(expected, outlines.get(k).getBounds(), "outline of " + name);
			assertEquals(expected, boxes.get(k).getBounds(), "box of " + name);
			assertEquals(Roi.RECTANGLE, boxes.get(k).getType());
			assertEquals(outlines.get(k).getName(), ((TextRoi) labels.get(k)).getText().trim(), "label of the box of "
				+ name);
			assertEquals(k + 1, (int) table.getValue("instance", k));
			assertEquals(name, table.getStringValue("class", k));
			assertEquals(expected.x, (int) table.getValue("x", k));
			assertEquals(expected.y, (int) table.getValue("y", k));
			assertEquals(expected.width, (int) table.getValue("width", k));
			assertEquals(expected.height, (int) table.getValue("height", k));
			assertEquals(c.get("area_px").getAsInt(), (int) table.getValue("area_px", k), "area of " + name);
			assertTrue(table.getValue("score", k) > 0 && table.getValue("score", k) < 1);
		}

		// label image: pixel counts per label as in the reference
		final ImagePlus labelImage = (ImagePlus) m.getOutput("label_image");
		assertEquals(16, labelImage.getBitDepth());
		final int[] histogram = labelImage.getProcessor().getHistogram();
		final JsonObject counts = ref.getAsJsonObject("label_counts");
		for (final String label : counts.keySet()) {
			assertEquals(counts.get(label).getAsInt(), histogram[Integer.parseInt(label)], "pixels of label " + label);
		}
		assertEquals(0.25, labelImage.getCalibration().pixelWidth, 1e-12);

		// heatmaps: per class, one slice per default layer then the fused map, with the input's calibration
		final ImagePlus heatmaps = (ImagePlus) m.getOutput("heatmaps");
		assertEquals(3 * 6, heatmaps.getStackSize());
		assertEquals("nucleus: features.1", heatmaps.getStack().getSliceLabel(1));
		assertEquals("nucleus: zoom-cam", heatmaps.getStack().getSliceLabel(6));
		assertEquals("debris: zoom-cam", heatmaps.getStack().getSliceLabel(18));
		assertEquals(image.getWidth(), heatmaps.getWidth());
		assertEquals("micron", heatmaps.getCalibration().getUnit());
		assertEquals(0.25, heatmaps.getCalibration().pixelHeight, 1e-12);
		assertEquals(1.0, heatmaps.getDisplayRangeMax(), 1e-9, "heat LUT range 0..1");
		final ImagePlus map = (ImagePlus) m.getOutput("map");
		assertEquals(3, map.getStackSize());
		assertEquals("ring zoomcam", map.getStack().getSliceLabel(2));
		assertEquals(heatmaps.getStack().getProcessor(12).getf(20, 20), map.getStack().getProcessor(2).getf(20, 20),
			0f, "the map is the fused slice");
	}

	@Test
	void rerunReplacesOnlyItsOwnOverlayElements() {
		final ImagePlus image = rgb();
		final Overlay own = new Overlay(new Roi(1, 1, 5, 5));
		image.setOverlay(own);
		for (int run = 0; run < 2; run++) {
			final Module m = harness.run(CommandText.EXPLAIN, tiny("target=top1 refine=none show_heatmaps=false " +
				"show_map=false " +
				"show_overlay=true add_to_roi_manager=false show_labels=false show_table=false"), image);
			assertFalse(CommandHarness.canceled(m));
		}
		// the user's ROI, a heatmap, and outline + box + label of the one kept component
		assertEquals(1 + 1 + 3, image.getOverlay().size());
		assertNull(image.getOverlay().get(0).getProperty(ExplainOutputs.TAG));
	}

	@Test
	void everySliceOfAStackIsExplainedAndItsRoisSitOnTheirSlice() {
		final ImagePlus plane = ImageFiles.open(Fixtures.RGB_IMAGE);
		final ImageStack stack = new ImageStack(plane.getWidth(), plane.getHeight());
		for (int s = 0; s < 3; s++) stack.addSlice("s" + s, plane.getProcessor().duplicate());
		final ImagePlus image = new ImagePlus("stack", stack);
		final Module m = harness.run(CommandText.EXPLAIN, tiny("planes=all target=top1 refine=none show_table=true " +
			"show_heatmaps=true show_map=true show_overlay=true show_labels=true add_to_roi_manager=false"), image);
		assertFalse(CommandHarness.canceled(m));
		assertEquals(3 * 6, ((ImagePlus) m.getOutput("heatmaps")).getStackSize());
		assertEquals("slice 2: features.1", ((ImagePlus) m.getOutput("heatmaps")).getStack().getSliceLabel(7));
		assertEquals(3, ((ImagePlus) m.getOutput("map")).getStackSize());
		assertEquals(3, ((ImagePlus) m.getOutput("label_image")).getStackSize());
		final ResultsTable table = (ResultsTable) m.getOutput("results");
		assertEquals(3, table.size());
		for (int row = 0; row < 3; row++) assertEquals(row + 1, (int) table.getValue("slice", row));
		final List<Integer> positions = new ArrayList<>();
		for (final Roi roi : image.getOverlay().toArray()) positions.add(roi.getPosition());
		for (int s = 1; s <= 3; s++) assertEquals(4, java.util.Collections.frequency(positions, s), "slice " + s);

		// "current": only the displayed plane
		image.setSlice(2);
		final Module current = harness.run(CommandText.EXPLAIN, tiny("planes=current show_heatmaps=true " +
			"show_map=false show_overlay=true show_labels=false show_table=false add_to_roi_manager=false"), image);
		assertEquals(6, ((ImagePlus) current.getOutput("heatmaps")).getStackSize());
		for (final Roi roi : image.getOverlay().toArray()) assertEquals(2, roi.getPosition());
	}

	@Test
	void theBundledModelIsTheDefault() {
		final ImagePlus image = ImageFiles.open(SAMPLES.resolve("images").resolve("img_00000.tif"));
		final Module m = harness.run(CommandText.EXPLAIN, "target=p>=0.5 show_heatmaps=true show_map=false " +
			"show_overlay=false add_to_roi_manager=false show_labels=false show_table=true", image);
		assertFalse(CommandHarness.canceled(m), () -> "cancelled: " + CommandHarness.reason(m));
		// 10 default layers of the synthetic-cells model, plus the fused map, per class found
		assertEquals(0, ((ImagePlus) m.getOutput("heatmaps")).getStackSize() % 11);
		assertTrue(((ResultsTable) m.getOutput("results")).size() >= 1);
	}

	@Test
	void anRgbImageForAGreyModelIsRefusedWithTheReason() {
		final Module m = harness.run(CommandText.EXPLAIN, "device=cpu", rgb());
		assertTrue(CommandHarness.canceled(m));
		final String reason = CommandHarness.reason(m);
		assertTrue(reason.contains("is an RGB image but model 'synthetic-cells' expects a grey image"), reason);
		assertTrue(reason.contains("Image > Type > 8-bit"), reason);
		assertFalse(reason.contains("\n"), "one line");
	}

	@Test
	void aTwoChannelImageForAnRgbModelIsRefused() {
		final ImagePlus image = IJ.createImage("two channels", "8-bit black", 48, 48, 2, 1, 1);
		final Module m = harness.run(CommandText.EXPLAIN, tiny(""), image);
		assertTrue(CommandHarness.canceled(m));
		assertTrue(CommandHarness.reason(m).contains("is a 2-channel image but model " +
			"'tiny-fixture' expects 3 channels"), CommandHarness.reason(m));
	}

	@Test
	void badSettingsCancelWithOneLine() {
		assertCancelled(tiny("layers=features.99"), "unknown layer 'features.99'");
		assertCancelled(tiny("method=nosuchcam"), "unknown method 'nosuchcam'");
		assertCancelled(tiny("target=top9"), "top-9 asked but the model has only 5 classes");
		assertCancelled(tiny("target=nucleus;mitochondrion"), "unknown class 'mitochondrion'");
		assertCancelled(tiny("threshold=fixed:abc"), "fixed:abc");
		assertCancelled(tiny("refine=none keep=some"), "component selection 'some'");
		assertCancelled(tiny("keep=all"), "keep 'all' applies to refine=none");
		assertCancelled(tiny("refine=best"), "refinement 'best' is unknown");
		assertCancelled(tiny("refine_thresholding=Brightest"), "threshold method 'Brightest' is unknown");
		assertCancelled(tiny("refine_polarity=up"), "polarity 'up' is unknown");
		assertCancelled(tiny("planes=odd"), "planes 'odd'");
		assertCancelled(tiny("opacity=2"), "opacity 2.0 is outside 0..1");
		assertCancelled(tiny("show_heatmaps=false show_map=false show_overlay=false add_to_roi_manager=false " +
			"show_labels=false show_table=false"), "every output is switched off");
		assertCancelled("model=" + CommandHarness.quote(Fixtures.ROOT.resolve("no-such-bundle")), "model bundle " +
			"not found");
		assertCancelled(tiny("target=p>=1"), "nothing to show");
	}

	private static void assertCancelled(final String options, final String expected) {
		final Module m = harness.run(CommandText.EXPLAIN, options, rgb());
		assertTrue(CommandHarness.canceled(m), options);
		final String reason = CommandHarness.reason(m);
		assertTrue(reason.contains(expected), () -> "'" + reason + "' should say '" + expected + "'");
		assertFalse(reason.contains("\n") || reason.contains("Exception"), reason);
	}

	@Test
	void aProblemFixedBeforeRunningNoLongerCancels() {
		// as in the dialog: a wrong model path is refused at once, and accepted once corrected
		final Module module = harness.create(CommandText.EXPLAIN);
		module.setInput("model", Fixtures.ROOT.resolve("nothing").toFile());
		module.resolveInput("model");
		assertTrue(CommandHarness.canceled(module));
		assertTrue(CommandHarness.reason(module).contains("model bundle not found"), CommandHarness.reason(module));
		module.setInput("model", Fixtures.BUNDLE.toFile());
		module.resolveInput("model");
		assertFalse(CommandHarness.canceled(module));
		final Module ran = harness.run(module, "device=cpu show_heatmaps=false show_map=false show_overlay=true " +
			"add_to_roi_manager=false show_labels=false show_table=false", rgb());
		assertFalse(CommandHarness.canceled(ran), () -> CommandHarness.reason(ran));
	}

	@Test
	void headlessRunsOpenNoWindow() {
		assertTrue(GraphicsEnvironment.isHeadless(), "the tests run in a headless JVM");
		final Module m = harness.run(CommandText.EXPLAIN, tiny("target=top2 show_heatmaps=true show_map=true " +
			"show_overlay=true add_to_roi_manager=true show_labels=true show_table=true"), rgb());
		assertFalse(CommandHarness.canceled(m));
		assertEquals(0, Frame.getFrames().length, "no AWT frame was made");
		assertEquals(0, WindowManager.getWindowCount(), "no ImageJ window was made");
	}

	/**
	 * The default refinement with the bundled model: the overlay's outlines, the Results rows and the instance
	 * image describe the same instances; outlines are named "<class> <score>" and coloured by class.
	 */
	@Test
	void theDefaultRefinementShowsInstancesInTheOverlayTableAndInstanceImage() {
		final ImagePlus image = ImageFiles.open(SAMPLES.resolve("images").resolve("img_00006.tif"));
		final Module m = harness.run(CommandText.EXPLAIN, "device=cpu show_heatmaps=false show_map=false " +
			"show_overlay=true add_to_roi_manager=true show_labels=true show_table=true", image);
		assertFalse(CommandHarness.canceled(m), () -> "cancelled: " + CommandHarness.reason(m));
		final ResultsTable table = (ResultsTable) m.getOutput("results");
		final int n = table.size();
		assertTrue(n >= 4, "several instances, not one box per class: " + n);
		final ImagePlus instances = (ImagePlus) m.getOutput("instance_image");
		assertNotNull(instances, "the instance label image is published");
		assertEquals("img_00006" + CommandText.INSTANCES_SUFFIX, instances.getTitle());
		assertEquals("img_00006" + CommandText.LABELS_SUFFIX, ((ImagePlus) m.getOutput("label_image")).getTitle());
		assertEquals(n, (int) instances.getProcessor().getStatistics().max, "ids 1..n");
		final List<String> classes = List.of("nucleus", "rod", "ring", "puncta");
		final List<Roi> outlines = new ArrayList<>();
		for (final Roi roi : image.getOverlay().toArray()) {
			if (!(roi instanceof ImageRoi) && !(roi instanceof TextRoi) && !roi.getName().endsWith(" box")) {
				outlines.add(roi);
			}
		}
		assertEquals(n, outlines.size(), "one outline per instance");
		for (int k = 0; k < n; k++) {
			final Roi outline = outlines.get(k);
			final String className = table.getStringValue("class", k);
			assertEquals(k + 1, (int) table.getValue("instance", k));
			assertEquals(String.valueOf(k + 1), outline.getProperty(io.github.zoomcam.pipeline.PseudoLabelOutputs
				.INSTANCE_PROPERTY));
			assertEquals(String.format(java.util.Locale.ROOT, "%s %.2f", className, table.getValue("score", k)), outline
				.getName());
			assertEquals(io.github.zoomcam.pipeline.PseudoLabelOutputs.classColour(classes.indexOf(className)), outline
				.getStrokeColor(), "coloured by class");
			int inside = 0;
			for (final java.awt.Point p : outline.getContainedPoints()) {
				assertEquals(k + 1, instances.getProcessor().get(p.x, p.y), "outline " + (k + 1) + " at " + p);
				inside++;
			}
			assertEquals((int) table.getValue("area_px", k), inside, "outline area of instance " + (k + 1));
			assertEquals(new Rectangle((int) table.getValue("x", k), (int) table.getValue("y", k), (int) table.getValue(
				"width", k), (int) table.getValue("height", k)), outline.getBounds());
		}
	}

	/** An all-dark (not flat) image: no instances, one warning line in the log, never noise labels. */
	@Test
	void anAllDarkImageGivesNoInstancesAndOneLoggedWarning() {
		final java.util.Random random = new java.util.Random(7);
		final byte[] pixels = new byte[128 * 128];
		for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) random.nextInt(3);
		final ImagePlus image = new ImagePlus("dark", new ij.process.ByteProcessor(128, 128, pixels));
		final int before = harness.logged("pseudo-labels:").size();
		final Module m = harness.run(CommandText.EXPLAIN, "device=cpu target=class_names class_names=nucleus;rod " +
			"show_heatmaps=false show_map=false show_overlay=true add_to_roi_manager=false show_labels=true " +
			"show_table=true", image);
		assertFalse(CommandHarness.canceled(m), () -> "cancelled: " + CommandHarness.reason(m));
		final List<String> warnings = harness.logged("pseudo-labels:");
		assertEquals(before + 1, warnings.size(), warnings.toString());
		assertTrue(warnings.get(warnings.size() - 1).startsWith("WARN"), warnings.toString());
		assertTrue(warnings.get(warnings.size() - 1).contains("no object stands out from the background"), warnings
			.toString());
		assertEquals(0, ((ResultsTable) m.getOutput("results")).size(), "no rows");
		assertEquals(0, ((ImagePlus) m.getOutput("instance_image")).getProcessor().getStatistics().max);
		assertEquals(0, ((ImagePlus) m.getOutput("label_image")).getProcessor().getStatistics().max);
	}
}
