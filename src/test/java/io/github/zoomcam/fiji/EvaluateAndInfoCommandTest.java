package io.github.zoomcam.fiji;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.measure.ResultsTable;
import io.github.zoomcam.Fixtures;

import java.nio.file.Path;

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
 * "Evaluate Pseudo-Labels..." on the hand-made example of EvaluateCliTest (scores computed by hand there)
 * and "Model Info..." on the fixture and the bundled model.
 */
class EvaluateAndInfoCommandTest {

	static final Path EVAL = Fixtures.ROOT.resolve("eval");

	private static CommandHarness harness;

	@BeforeAll
	static void start() {
		harness = new CommandHarness();
	}

	@AfterAll
	static void stop() {
		harness.close();
	}

	@Test
	void evaluationTableHasPerClassIouMeanIouAndLocalizationErrors() {
		final Module m = harness.run(CommandText.EVALUATE, "prediction_folder=" + CommandHarness.quote(EVAL.resolve(
			"pred")) + " truth_folder=" + CommandHarness.quote(EVAL.resolve("truth")) + " small_area=1024 " +
			"show_plot=true", null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		final ResultsTable t = (ResultsTable) m.getOutput("evaluation");
		final String[] measures = { "IoU background", "IoU cat", "IoU dog", "mIoU", "top-1 localization error",
			"top-5 localization error", "GT-known localization accuracy", "top-1 classification error",
			"top-5 classification error", "small-object recall" };
		final double[] percent = { 68, 60, 40, 56, 50, 50, 50, 50, 0, 200.0 / 3 };
		assertEquals(measures.length, t.size(), "no MaxBoxAccV2 row: the example has no heatmaps");
		for (int row = 0; row < measures.length; row++) {
			assertEquals(measures[row], t.getStringValue("measure", row));
			assertEquals(percent[row], t.getValue("percent", row), 1e-4, measures[row]);
		}
		final ImagePlus plot = (ImagePlus) m.getOutput("plot");
		assertNotNull(plot);
		assertTrue(plot.getProperty(Plot.PROPERTY_KEY) instanceof Plot, "an ImageJ plot, not only pixels");
		assertTrue(plot.getTitle().startsWith("Per-class IoU"));

		final Module noPlot = harness.run(CommandText.EVALUATE, "prediction_folder=" + CommandHarness.quote(EVAL
			.resolve("pred")) + " truth_folder=" + CommandHarness.quote(EVAL.resolve("truth")) + " show_plot=false",
			null);
		assertNull(noPlot.getOutput("plot"));
	}

	@Test
	void evaluationOfMissingFoldersIsCancelledWithTheReason() {
		final Module m = harness.run(CommandText.EVALUATE, "prediction_folder=" + CommandHarness.quote(EVAL.resolve(
			"nothing")) + " truth_folder=" + CommandHarness.quote(EVAL.resolve("truth")), null);
		assertTrue(CommandHarness.canceled(m));
		assertTrue(CommandHarness.reason(m).contains("pseudo-label folder") && CommandHarness.reason(m).contains(
			"does not exist"), CommandHarness.reason(m));
		final Module noResults = harness.run(CommandText.EVALUATE, "prediction_folder=" + CommandHarness.quote(EVAL
			.resolve("truth")) + " truth_folder=" + CommandHarness.quote(EVAL.resolve("truth")), null);
		assertTrue(CommandHarness.reason(noResults).contains("no results in"), CommandHarness.reason(noResults));
	}

	@Test
	void modelInfoListsClassesLayersWithResolutionsAndTheSelfTest() {
		final Module m = harness.run(CommandText.INFO, "model=" + CommandHarness.quote(Fixtures.BUNDLE) +
			" device=cpu", null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		final String info = (String) m.getOutput("info");
		assertTrue(info.contains("nucleus, rod, ring, puncta, debris"), info);
		assertTrue(info.contains("3 x 48 x 48"), info);
		assertTrue(info.matches("(?s).*features\\.7 +16 +24x24 +2 +default.*"), info);
		assertTrue(info.matches("(?s).*features\\.12 +24 +12x12 +4 +default, single-layer methods.*"), info);
		assertTrue(info.contains("self-test:") && info.contains("passed"), info);
		assertEquals(Boolean.TRUE, m.getOutput("self_test_passed"));

		final Module bundled = harness.run(CommandText.INFO, "device=cpu", null);
		assertFalse(CommandHarness.canceled(bundled), () -> CommandHarness.reason(bundled));
		assertTrue(((String) bundled.getOutput("info")).contains("synthetic-cells"), "the bundled model is the " +
			"default");

		final Module broken = harness.run(CommandText.INFO, "model=" + CommandHarness.quote(Fixtures.ROOT.resolve(
			"images")), null);
		assertTrue(CommandHarness.canceled(broken));
		assertTrue(CommandHarness.reason(broken).contains("has no zoomcam.json"), CommandHarness.reason(broken));
	}
}
