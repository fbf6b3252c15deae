package io.github.zoomcam.fiji;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.pipeline.tiling.TileGrid;
import io.github.zoomcam.pipeline.tiling.Tiling;

import java.awt.event.KeyEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.app.event.StatusEvent;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.event.EventSubscriber;
import org.scijava.log.LogListener;
import org.scijava.log.LogService;
import org.scijava.module.Module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fiji's commands on images larger than the model input: tiled by the same rules as the command line
 * (tile=auto by default), progress per tile in the status bar, Esc stops, per-file tiling and the series
 * parameter in Generate Pseudo-Labels (whose Esc reaches the tiles through BatchRunner: TiledBatchTest).
 * The tiny fixture bundle takes 48x48 RGB input.
 */
class TiledFijiCommandsTest {

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

	/** Random RGB pixels. */
	private static ImagePlus wide(final int width, final int height) {
		final Random random = new Random(11);
		final int[] rgb = new int[width * height];
		for (int i = 0; i < rgb.length; i++) rgb[i] = random.nextInt(1 << 24);
		return new ImagePlus("wide", new ColorProcessor(width, height, rgb));
	}

	private static String model() {
		return "model=" + CommandHarness.quote(Fixtures.BUNDLE) + " device=cpu ";
	}

	/** Collects the status bar's messages (SciJava publishes them on its event thread). */
	public static final class StatusLog {

		final List<StatusEvent> events = Collections.synchronizedList(new ArrayList<>());

		@EventHandler
		public void onEvent(final StatusEvent e) {
			events.add(e);
		}

		boolean reached(final String text, final int maximum) {
			synchronized (events) {
				return events.stream().anyMatch(e -> e.getStatusMessage() != null && e.getStatusMessage().contains(text) &&
					e.getProgressMaximum() == maximum && e.getProgressValue() == maximum);
			}
		}

		List<String> messages() {
			synchronized (events) {
				return events.stream().map(e -> e.getProgressValue() + "/" + e.getProgressMaximum() + " " + e
					.getStatusMessage()).toList();
			}
		}
	}

	@Test
	void explainImageTilesALargerImageWithProgressPerTileAndFullSizeOutputs() throws InterruptedException {
		final ImagePlus image = wide(200, 150);
		// 200 px: (200 - 48) / 36 = 4.2 -> 6 tiles; 150 px: (150 - 48) / 36 = 2.8 -> 4 tiles
		final TileGrid grid = Tiling.DEFAULT.plan(200, 150, 48, 48);
		assertEquals("6x4 tiles of 48x48 px", grid.describe());
		final int tiles = grid.count();
		final StatusLog status = new StatusLog();
		final EventService events = harness.context.service(EventService.class);
		final List<EventSubscriber<?>> subscribers = events.subscribe(status);
		final Module m;
		try {
			m = harness.run(CommandText.EXPLAIN, model() + "target=top1 show_heatmaps=true show_map=true " +
				"show_overlay=true add_to_roi_manager=false show_labels=true show_table=false", image);
			assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
			// events arrive on SciJava's event thread
			for (int i = 0; i < 100 && !status.reached("stitching tiles", tiles); i++) Thread.sleep(50);
		}
		finally {
			events.unsubscribe(subscribers);
		}
		assertEquals(1, harness.logged("wide is explained in 6x4 tiles of 48x48 px at native resolution").size(),
			() -> String.join("\n", harness.logged("explained in")));
		for (final String pass : List.of("classifying tiles", "explaining tiles", "stitching tiles")) {
			assertTrue(status.reached(pass + " of wide", tiles), () -> pass + " not reported per tile: " + status
				.messages());
		}
		final ImagePlus heatmaps = (ImagePlus) m.getOutput("heatmaps");
		assertEquals(200, heatmaps.getWidth(), "stitched at the image's full size");
		assertEquals(150, heatmaps.getHeight());
		final ImagePlus labels = (ImagePlus) m.getOutput("label_image");
		assertEquals(200, labels.getWidth());
		assertEquals(150, labels.getHeight());
		assertTrue(image.getOverlay() != null && image.getOverlay().size() > 0, "the overlay is drawn on the image");
	}

	@Test
	void tileNoneResizesTheWholeImageAsBefore() {
		final int tiledBefore = harness.logged("is explained in").size();
		final Module m = harness.run(CommandText.EXPLAIN, model() + "tile=none target=top1 show_heatmaps=true " +
			"show_map=false show_overlay=false add_to_roi_manager=false show_labels=false show_table=false", wide(200,
				150));
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		assertEquals(tiledBefore, harness.logged("is explained in").size(), "not tiled");
		final ImagePlus heatmaps = (ImagePlus) m.getOutput("heatmaps");
		assertEquals(200, heatmaps.getWidth(), "maps are resized back to the image");
		assertEquals(6, heatmaps.getStackSize(), "five layers and the fused map of one class");
	}

	@Test
	void escStopsATiledImageAndNothingIsShown() {
		final ImagePlus image = wide(200, 150);
		// Press Esc as soon as the command says Esc stops (log listeners run on the command's thread).
		final LogListener esc = message -> {
			if (message.text().contains("Esc stops")) IJ.setKeyDown(KeyEvent.VK_ESCAPE);
		};
		final LogService log = harness.context.service(LogService.class);
		log.addLogListener(esc);
		final Module m;
		try {
			m = harness.run(CommandText.EXPLAIN, model() + "target=top1 show_heatmaps=true show_map=true " +
				"show_overlay=true add_to_roi_manager=false show_labels=true show_table=false", image);
		}
		finally {
			log.removeLogListener(esc);
			IJ.resetEscape();
		}
		assertTrue(CommandHarness.canceled(m), "Esc cancels");
		assertEquals("cancelled with Esc", CommandHarness.reason(m));
		assertNull(m.getOutput("heatmaps"), "no half-made output");
		assertNull(m.getOutput("label_image"));
		assertNull(image.getOverlay(), "nothing drawn on the image");
	}

	private static Path saved(final ImagePlus image, final Path file) {
		new FileSaver(image).saveAsPng(file.toString());
		return file;
	}

	private static String folders(final Path in, final Path out) {
		return "input_folder=" + CommandHarness.quote(in) + " output_folder=" + CommandHarness.quote(out) + " " + model() +
			"file_pattern=*.png target=top1 ";
	}

	@Test
	void generatePseudoLabelsTilesEachLargerFileAndKeysTheResultOnTheTiling() throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		saved(wide(100, 60), in.resolve("a_wide.png"));
		saved(wide(40, 40), in.resolve("b_small.png"));
		final Path out = tmp.resolve("out");
		final Module m = harness.run(CommandText.GENERATE, folders(in, out), null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		final ResultsTable summary = (ResultsTable) m.getOutput("summary");
		assertEquals(2, summary.size());
		assertEquals("explained", summary.getStringValue("status", 0));
		// 100 px: 3 tiles, 60 px: 2 (as on the command line, TilingCliTest)
		assertTrue(summary.getStringValue("message", 0).contains("explained in 3x2 tiles of 48x48 px"), summary
			.getStringValue("message", 0));
		assertEquals("explained", summary.getStringValue("status", 1));
		assertFalse(summary.getStringValue("message", 1).contains("tiles"), "an image smaller than a tile is resized");
		final ImagePlus labels = IJ.openImage(out.resolve("a_wide").resolve("labels.tif").toString());
		assertEquals(100, labels.getWidth());
		assertEquals(60, labels.getHeight());
		final JsonObject settings = JsonParser.parseString(Files.readString(out.resolve("a_wide").resolve(
			"result.json"))).getAsJsonObject().getAsJsonObject("settings");
		assertEquals("auto", settings.get("tile").getAsString());
		assertEquals(1, settings.get("series").getAsInt());

		// the tiling settings of the dialog reach the result (and its key)
		final Module again = harness.run(CommandText.GENERATE, folders(in, out) + "tile=64 overlap=0.1 " +
			"overwrite=true", null);
		assertFalse(CommandHarness.canceled(again), () -> CommandHarness.reason(again));
		final JsonObject changed = JsonParser.parseString(Files.readString(out.resolve("a_wide").resolve(
			"result.json"))).getAsJsonObject().getAsJsonObject("settings");
		assertEquals("64", changed.get("tile").getAsString());
		assertEquals(0.1, changed.get("overlap").getAsDouble(), 1e-12);
	}

	@Test
	void theSeriesParameterReachesTheReaderAndAMissingSeriesSkipsTheFile() throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		saved(wide(100, 60), in.resolve("a_wide.png"));
		final Path out = tmp.resolve("out");
		final Module m = harness.run(CommandText.GENERATE, folders(in, out) + "series=2", null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		final ResultsTable summary = (ResultsTable) m.getOutput("summary");
		assertEquals("failed", summary.getStringValue("status", 0));
		final String message = summary.getStringValue("message", 0);
		assertTrue(message.contains("cannot read series 2 of") && message.contains("only Bio-Formats"), message);
		assertFalse(Files.exists(out.resolve("a_wide").resolve("result.json")));
	}
}
