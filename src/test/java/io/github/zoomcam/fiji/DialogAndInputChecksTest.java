package io.github.zoomcam.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.pipeline.ImageFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dialog's choices and model help, the macro keys that go with them, and the input checks of the Fiji
 * commands (flat and small images, a truncated file, an output folder that cannot be made).
 */
class DialogAndInputChecksTest {

	private static final Path BUNDLED = Paths.get("plugins", "Zoom-CAM", "models", "synthetic-cells")
		.toAbsolutePath();

	private static CommandHarness harness;

	@TempDir
	Path tmp;

	@BeforeAll
	static void start() {
		harness = new CommandHarness();
	}

	@AfterAll
	static void stop() {
		harness.close();
	}

	/** The paper's protocol: one table row per explained class, whatever the fixture's random maps show. */
	private static String tiny(final String options) {
		return ExplainImageCommandTest.tiny(options) + " refine=none show_overlay=false add_to_roi_manager=false";
	}

	private static Set<String> classes(final Module m) {
		final ResultsTable t = (ResultsTable) m.getOutput("results");
		final Set<String> names = new LinkedHashSet<>();
		for (int row = 0; row < t.size(); row++) names.add(t.getStringValue("class", row));
		return names;
	}

	@Test
	void layersAndTargetsAreChoicesAndMethodsComeFromTheEngine() throws Exception {
		for (final String label : List.of(CommandText.EXPLAIN, CommandText.GENERATE)) {
			final Module m = harness.create(label);
			m.initialize();
			assertEquals(Arrays.asList(CommandText.LAYERS_CHOICES), m.getInfo().getInput("layers").getChoices(), label);
			assertEquals(List.of("default", "top1", "top_k", "min_probability", "class_names"), m.getInfo().getInput(
				"target").getChoices(), label);
			assertEquals(Arrays.stream(CamMethod.values()).map(CamMethod::id).toList(), m.getInfo().getInput("method")
				.getChoices(), label);
			assertEquals("default", m.getInput("target"), "the model's own targets by default");
		}
	}

	@Test
	void theDialogListsTheSelectedModelsClassesAndLayers() throws Exception {
		final Module m = harness.create(CommandText.EXPLAIN);
		m.setInput("model", Fixtures.BUNDLE.toFile());
		m.initialize();
		assertEquals("tiny-fixture: classes nucleus, rod, ring, puncta, debris (single-label; target default = the " +
			"best class); layers features.1, features.4, features.7, features.9, features.12 (default: all 5; last: " +
			"features.12)", m.getInput("model_summary"));
		// choosing another model in the dialog runs the model's callback
		m.setInput("model", BUNDLED.toFile());
		final ModuleItem<?> model = m.getInfo().getInput("model");
		model.callback(m);
		final String summary = (String) m.getInput("model_summary");
		assertTrue(summary.startsWith("synthetic-cells: classes nucleus, rod, ring, puncta (multi-label; target " +
			"default = every class with probability >= 0.5); layers features.2, features.5"), summary);
		assertTrue(m.getInfo().getInput("class_names").getDescription().endsWith("this model's classes: nucleus, " +
			"rod, ring, puncta"), m.getInfo().getInput("class_names").getDescription());
		assertTrue(m.getInfo().getInput("layer_names").getDescription().contains("features.33"));
		m.setInput("model", tmp.resolve("nowhere").toFile());
		model.callback(m);
		assertTrue(((String) m.getInput("model_summary")).startsWith("model bundle not found: "), "a missing model: " +
			"said in the dialog, no error box, no crash");
	}

	@Test
	void eachTargetAndLayerChoiceTakesItsValue() {
		final ImagePlus image = ImageFiles.open(Fixtures.RGB_IMAGE);
		assertEquals(Set.of("nucleus", "ring"), classes(harness.run(CommandText.EXPLAIN, tiny(
			"target=class_names class_names=nucleus;ring"), image)));
		assertEquals(2, classes(harness.run(CommandText.EXPLAIN, tiny("target=top_k top_k=2"), image)).size());
		assertEquals(5, classes(harness.run(CommandText.EXPLAIN, tiny("target=min_probability min_probability=0"),
			image)).size(), "every class has p >= 0");
		// the fixture is single-label: its default is the best class, as top1
		assertEquals(classes(harness.run(CommandText.EXPLAIN, tiny("target=top1"), image)), classes(harness.run(
			CommandText.EXPLAIN, tiny("target=default"), image)));
		// older macros write the value itself
		assertEquals(3, classes(harness.run(CommandText.EXPLAIN, tiny("target=top3"), image)).size());
		final Module named = harness.run(CommandText.EXPLAIN, tiny("layers=layer_names " +
			"layer_names=features.9;features.12"), image);
		assertEquals(3, ((ImagePlus) named.getOutput("heatmaps")).getStackSize(), "two layers and the fused map");
		final Module missing = harness.run(CommandText.EXPLAIN, tiny("target=class_names"), image);
		assertTrue(CommandHarness.canceled(missing));
		assertTrue(CommandHarness.reason(missing).startsWith("target=class_names needs the names"), CommandHarness
			.reason(missing));
		final Module empty = harness.run(CommandText.EXPLAIN, tiny("target=class_names class_names=nucleus;;ring"),
			image);
		assertTrue(CommandHarness.reason(empty).contains("has an empty item"), CommandHarness.reason(empty));
	}

	@Test
	void aFlatImageIsRefusedWithItsReason() {
		final ImagePlus flat = IJ.createImage("blank", "8-bit black", 64, 64, 1);
		final Module m = harness.run(CommandText.EXPLAIN, tiny(""), flat);
		assertTrue(CommandHarness.canceled(m));
		assertEquals("blank is flat (every pixel is 0): nothing to explain, no labels given", CommandHarness.reason(m));
	}

	@Test
	void anImageTooSmallForTheModelIsRefused() {
		final Module m = harness.run(CommandText.EXPLAIN, tiny(""), IJ.createImage("speck", "8-bit ramp", 5, 5, 1));
		assertTrue(CommandHarness.canceled(m));
		assertTrue(CommandHarness.reason(m).startsWith("speck is 5x5 pixels, smaller than model 'tiny-fixture' " +
			"explains (at least 6x6"), CommandHarness.reason(m));
	}

	@Test
	void anImageWhoseFileIsTruncatedIsRefused() throws IOException {
		final Path file = tmp.resolve("cut.tif");
		Files.copy(Fixtures.GREY16_IMAGE, file);
		final ImagePlus image = IJ.openImage(file.toString());
		try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
			c.truncate(Files.size(file) - 1000);
		}
		final Module m = harness.run(CommandText.EXPLAIN, tiny(""), image);
		assertTrue(CommandHarness.canceled(m));
		assertTrue(CommandHarness.reason(m).startsWith("cut.tif is truncated") && CommandHarness.reason(m).endsWith(
			"the image shows zeros where its pixels are missing"), CommandHarness.reason(m));
	}

	@Test
	void generateChecksTheOutputFolderBeforeAnyModelWork() throws IOException {
		Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self")), "needs Linux's /proc");
		final Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(Fixtures.RGB_IMAGE, in.resolve("a.png"));
		try (CommandHarness fresh = new CommandHarness()) {
			final Module m = fresh.run(CommandText.GENERATE, "input_folder=" + CommandHarness.quote(in) +
				" output_folder=/proc/zoomcam-out model=" + CommandHarness.quote(Fixtures.BUNDLE) + " device=cpu", null);
			assertTrue(CommandHarness.canceled(m));
			assertTrue(CommandHarness.reason(m).startsWith("cannot create output folder /proc/zoomcam-out"),
				CommandHarness.reason(m));
			assertEquals(0, fresh.context.service(ZoomCamService.class).loadedCount(), "no model was loaded");
		}
		assertTrue(GeneratePseudoLabelsCommand.outputProblem(Fixtures.RGB_IMAGE.toFile()).endsWith(
			"is a file; choose a folder"));
	}

	@Test
	void generateSkipsATruncatedFileWithItsReasonAndRecordsTheOpener() throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(Fixtures.RGB_IMAGE, in.resolve("a.png"));
		final byte[] tiff = Files.readAllBytes(Fixtures.GREY16_IMAGE);
		Files.write(in.resolve("b_cut.tif"), Arrays.copyOf(tiff, tiff.length - 1000));
		final Module m = harness.run(CommandText.GENERATE, "input_folder=" + CommandHarness.quote(in) +
			" output_folder=" + CommandHarness.quote(tmp.resolve("out")) + " model=" + CommandHarness.quote(
				Fixtures.BUNDLE) + " device=cpu", null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		final ResultsTable summary = (ResultsTable) m.getOutput("summary");
		org.junit.jupiter.api.Assertions.assertSame(summary, ResultsTable.getResultsTable(), "ImageJ's Results table, which macros read");
		assertEquals("explained", summary.getStringValue("status", 0));
		assertEquals("ImageJ", summary.getStringValue("opener", 0));
		assertEquals("failed", summary.getStringValue("status", 1));
		assertTrue(summary.getStringValue("message", 1).startsWith("b_cut.tif is truncated: its pixel data needs"),
			summary.getStringValue("message", 1));
		assertEquals(1, harness.logged("[1/2] a.png (ImageJ): ").size(), harness.logged.toString());
	}
}
