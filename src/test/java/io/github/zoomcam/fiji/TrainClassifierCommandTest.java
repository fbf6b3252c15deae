package io.github.zoomcam.fiji;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.gui.Plot;
import ij.measure.ResultsTable;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticDataset;

import java.awt.event.KeyEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.log.LogListener;
import org.scijava.log.LogService;
import org.scijava.module.Module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Train Classifier..." run as Fiji runs it, headless, with macro option strings whose keys are the command
 * line's options: a tiny generated data set, a few steps.
 */
class TrainClassifierCommandTest {

	@TempDir
	static Path shared;

	@TempDir
	Path tmp;

	private static CommandHarness harness;
	private static Path data;

	@BeforeAll
	static void start() {
		harness = new CommandHarness();
		data = shared.resolve("synth data");
		SyntheticDataset.write(data, 32, 9, SynthOptions.defaults().withSize(128, 128));
	}

	@AfterAll
	static void stop() {
		harness.close();
	}

	private static String options(final Path out, final int epochs, final String more) {
		return "data=" + CommandHarness.quote(data) + " out=" + CommandHarness.quote(out) + " arch=demonet epochs=" +
			epochs + " batch=8 lr=0.003 val_fraction=0.25 device=cpu seed=3 input_size=48 crop=0 patience=0 " +
			"augment=true " + more;
	}

	@Test
	void trainsFromMacroOptionsAndWritesABundleTheOtherCommandsUse() throws IOException {
		final Path out = tmp.resolve("my model");
		harness.logged.clear();
		final Module m = harness.run(CommandText.TRAIN, options(out, 2, "overwrite=false show_plot=true"), null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		final ResultsTable history = (ResultsTable) m.getOutput("history");
		assertSame(ResultsTable.getResultsTable(), history, "the epochs are in ImageJ's Results table");
		assertEquals(List.of(), harness.logged("unsupported output"), "SciJava shows no output itself");
		assertEquals(2, history.size());
		assertEquals(2, (int) history.getValue("epoch", 1));
		assertTrue(history.columnExists("val_mAP") && history.columnExists("cpu_seconds"));
		final ImagePlus plot = (ImagePlus) m.getOutput("plot");
		assertTrue(plot.getProperty(Plot.PROPERTY_KEY) instanceof Plot, "an ImageJ plot");
		final JsonObject training = JsonParser.parseString(Files.readString(out.resolve("zoomcam.json"),
			StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject("training");
		assertTrue(training.get("command").getAsString().startsWith("run(\"Train Classifier...\", \"data=["),
			training.get("command").getAsString());
		final Module info = harness.run(CommandText.INFO, "model=" + CommandHarness.quote(out) + " device=cpu", null);
		assertFalse(CommandHarness.canceled(info), () -> CommandHarness.reason(info));
		assertEquals(Boolean.TRUE, info.getOutput("self_test_passed"));
		assertEquals(List.of(), harness.logged(BundleManifest.LAYER_NAMES_SHA256), "the layer-name checksum is " +
			"written, so loading warns of nothing");
	}

	@Test
	void badInputCancelsWithOneActionableLine() throws IOException {
		final Module missing = harness.run(CommandText.TRAIN, options(tmp.resolve("a"), 1, "").replace(data.toString(),
			tmp.resolve("nowhere").toString()), null);
		assertTrue(CommandHarness.canceled(missing));
		assertTrue(CommandHarness.reason(missing).contains("training data folder") && CommandHarness.reason(missing)
			.contains("does not exist"), CommandHarness.reason(missing));

		final Path taken = Files.createDirectories(tmp.resolve("taken"));
		final Module exists = harness.run(CommandText.TRAIN, options(taken, 1, "overwrite=false"), null);
		assertTrue(CommandHarness.canceled(exists));
		assertTrue(CommandHarness.reason(exists).contains("already exists") && CommandHarness.reason(exists).contains(
			"overwrite=true"), CommandHarness.reason(exists));

		final Module size = harness.run(CommandText.TRAIN, options(tmp.resolve("b"), 1, "").replace("input_size=48",
			"input_size=big"), null);
		assertTrue(CommandHarness.reason(size).contains("input size 'big' is not understood"), CommandHarness.reason(
			size));
		assertFalse(Files.exists(tmp.resolve("a")) || Files.exists(tmp.resolve("b")), "nothing written");
	}

	/** Esc stops after the current batch; the best network so far is still written and loads. */
	@Test
	void escStopsTrainingAndKeepsTheBestSoFar() throws Exception {
		final Path out = tmp.resolve("stopped");
		final AtomicBoolean started = new AtomicBoolean();
		final LogListener listener = message -> {
			if (message.text().contains("training+validation per class")) started.set(true);
		};
		final LogService log = harness.context.service(LogService.class);
		log.addLogListener(listener);
		try {
			final CompletableFuture<Module> run = CompletableFuture.supplyAsync(() -> harness.run(CommandText.TRAIN,
				options(out, 50, "show_plot=false"), null));
			while (!started.get() && !run.isDone()) Thread.sleep(10);
			IJ.setKeyDown(KeyEvent.VK_ESCAPE);
			final Module m = run.get(5, TimeUnit.MINUTES);
			final ResultsTable history = (ResultsTable) m.getOutput("history");
			assertTrue(history.size() < 50, "stopped early: " + history.size() + " epochs");
			final JsonObject training = JsonParser.parseString(Files.readString(out.resolve("zoomcam.json"),
				StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject("training");
			assertEquals("cancelled", training.get("stopped").getAsString());
			try (ModelBundle bundle = ModelBundle.load(out, DeviceChoice.CPU, w -> {})) {
				assertTrue(bundle.selfTest().passed());
			}
		}
		finally {
			log.removeLogListener(listener);
			IJ.resetEscape();
		}
	}
}
