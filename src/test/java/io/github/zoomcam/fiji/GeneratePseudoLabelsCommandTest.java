package io.github.zoomcam.fiji;

import ij.measure.ResultsTable;
import io.github.zoomcam.Fixtures;
import io.github.zoomcam.cli.PseudoLabelCliTest;
import io.github.zoomcam.fiji.ZoomCamService;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.github.zoomcam.pipeline.ImageFolders;
import java.util.HashSet;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.CommandService;
import org.scijava.console.ConsoleService;
import org.scijava.log.LogListener;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.parse.ParseService;
import org.scijava.prefs.PrefService;
import org.scijava.run.RunService;
import org.scijava.script.ScriptService;
import org.scijava.ui.UIService;
import org.scijava.startup.StartupService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Generate Pseudo-Labels..." on folders: CLI-identical output, a corrupt file, re-runs, cancellation. */
class GeneratePseudoLabelsCommandTest {

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

	/** Two good images, a corrupt .tif and a text file that the pattern leaves out. */
	private Path inputs() throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(Fixtures.RGB_IMAGE, in.resolve("a_cells.png"));
		Files.copy(Fixtures.GREY16_IMAGE, in.resolve("c_grey.tif"));
		final byte[] junk = new byte[3000];
		new Random(1).nextBytes(junk);
		junk[0] = 'I';
		junk[1] = 'I';
		Files.write(in.resolve("b_broken.tif"), junk);
		Files.writeString(in.resolve("notes.txt"), "not an image");
		return in;
	}

	private static String options(final Path in, final Path out, final String extra) {
		return "input_folder=" + CommandHarness.quote(in) + " output_folder=" + CommandHarness.quote(out) +
			" model=" + CommandHarness.quote(Fixtures.BUNDLE) + " device=cpu target=nucleus,ring,debris " +
			"refine=none threshold=0.6 tile=none " + extra;
	}

	private static Set<String> files(final Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	@Test
	void writesWhatTheCommandLineWritesAndSkipsACorruptFile() throws IOException {
		final Path in = inputs();
		final Path out = tmp.resolve("fiji");
		final Module m = harness.run(CommandText.GENERATE, options(in, out, "file_pattern=*.tif;*.PNG " +
			"recursive=false overwrite=false"), null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));

		final ResultsTable summary = (ResultsTable) m.getOutput("summary");
		assertEquals(3, summary.size(), "the .txt file is not matched");
		assertEquals("a_cells.png", summary.getStringValue("image", 0));
		assertEquals("explained", summary.getStringValue("status", 0));
		assertEquals(3, (int) summary.getValue("instances", 0));
		assertEquals("b_broken.tif", summary.getStringValue("image", 1));
		assertEquals("failed", summary.getStringValue("status", 1));
		assertTrue(summary.getStringValue("message", 1).contains("b_broken.tif"), summary.getStringValue("message",
			1));
		assertEquals("explained", summary.getStringValue("status", 2));
		assertFalse(Files.exists(out.resolve("b_broken")));

		// the boxes of the PyTorch/numpy reference for this image and these settings
		PseudoLabelCliTest.assertBoxesMatchTheReference(out.resolve("a_cells").resolve("boxes.csv"), "a_cells.png");
		assertEquals(Set.of("boxes.csv", "heatmaps-debris.tif", "heatmaps-nucleus.tif", "heatmaps-ring.tif",
			"instances.tif", "labels.tif", "mask.tif", "overlay.png", "result.json", "rois.zip"), files(out.resolve(
				"a_cells")));

		// existing results are kept unless overwrite is chosen
		final long written = Files.getLastModifiedTime(out.resolve("a_cells").resolve("result.json")).toMillis();
		final Module again = harness.run(CommandText.GENERATE, options(in, out, "file_pattern=*.png " +
			"overwrite=false"), null);
		final ResultsTable second = (ResultsTable) again.getOutput("summary");
		assertEquals("skipped", second.getStringValue("status", 0));
		assertEquals(written, Files.getLastModifiedTime(out.resolve("a_cells").resolve("result.json")).toMillis());
		final Module forced = harness.run(CommandText.GENERATE, options(in, out, "file_pattern=*.png " +
			"overwrite=true"), null);
		assertEquals("explained", ((ResultsTable) forced.getOutput("summary")).getStringValue("status", 0));
	}

	/** The default refinement with the bundled model: instance ROIs, boxes and instance image agree. */
	@Test
	void theDefaultRefinementWritesInstanceRois() throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("samples"));
		for (final String name : List.of("img_00000.tif", "img_00003.tif")) {
			Files.copy(io.github.zoomcam.cli.RefineCliTest.SAMPLES.resolve(name), in.resolve(name));
		}
		final Path out = tmp.resolve("refined");
		final Module m = harness.run(CommandText.GENERATE, "input_folder=" + CommandHarness.quote(in) +
			" output_folder=" + CommandHarness.quote(out) + " device=cpu", null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		final ResultsTable summary = (ResultsTable) m.getOutput("summary");
		for (int row = 0; row < 2; row++) {
			final String image = summary.getStringValue("image", row).replace(".tif", "");
			final Path dir = out.resolve(image);
			io.github.zoomcam.cli.RefineCliTest.assertInstancesAgree(dir, List.of("nucleus", "rod", "ring", "puncta"));
			final int rows = io.github.zoomcam.cli.RefineCliTest.rows(dir.resolve("boxes.csv")).size();
			assertEquals(rows, (int) summary.getValue("instances", row), image);
			assertTrue(rows >= 3, image + ": " + rows + " instances");
		}
	}

	@Test
	void cancellingStopsBetweenImages() throws IOException {
		final Path in = inputs();
		final Path out = tmp.resolve("out");
		final Module module = harness.create(CommandText.GENERATE);
		// The command logs one line per image; cancel as the user would after the first one.
		final LogListener canceller = message -> {
			if (message.text().contains("[1/3]")) ((org.scijava.Cancelable) module).cancel("stopped by the user");
		};
		final LogService log = harness.context.service(LogService.class);
		log.addLogListener(canceller);
		try {
			harness.run(module, options(in, out, ""), null);
		}
		finally {
			log.removeLogListener(canceller);
		}
		assertTrue(CommandHarness.canceled(module));
		assertEquals("stopped by the user", CommandHarness.reason(module));
		assertTrue(Files.exists(out.resolve("a_cells").resolve("result.json")), "the first image was written");
		assertFalse(Files.exists(out.resolve("c_grey")), "nothing after the cancellation");
	}

	@Test
	void subFoldersOnlyWithRecursionAndNeverTheOutputFolder() throws IOException {
		final Path in = Files.createDirectories(tmp.resolve("in"));
		Files.copy(Fixtures.RGB_IMAGE, in.resolve("top.png"));
		Files.createDirectories(in.resolve("day2"));
		Files.copy(Fixtures.RGB_IMAGE, in.resolve("day2").resolve("top.png"));
		Files.createDirectories(in.resolve(".hidden"));
		Files.copy(Fixtures.RGB_IMAGE, in.resolve(".hidden").resolve("x.png"));
		final Path out = in.resolve("results");
		Files.createDirectories(out.resolve("old"));
		Files.copy(Fixtures.RGB_IMAGE, out.resolve("old").resolve("overlay.png"));

		assertEquals(List.of(in.resolve("top.png")), ImageFolders.list(in, "*.png", false, out));
		assertEquals(List.of(in.resolve("day2").resolve("top.png"), in.resolve("top.png")),
			ImageFolders.list(in, "*.png", true, out));

		final Module m = harness.run(CommandText.GENERATE, options(in, out, "file_pattern=*.png recursive=true"),
			null);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		// Two files named top.png: distinct folders named after the file and a hash of its path, each keyed
		// on its own source.
		final Set<String> sources = new HashSet<>();
		try (Stream<Path> dirs = Files.list(out)) {
			for (final Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("top")).toList()) {
				assertTrue(dir.getFileName().toString().matches("top_png_[0-9a-f]{8}"), dir.toString());
				sources.add(JsonParser.parseString(Files.readString(dir.resolve("result.json"))).getAsJsonObject()
					.getAsJsonObject("source").get("path").getAsString());
			}
		}
		assertEquals(Set.of(in.resolve("top.png").toAbsolutePath().toString(), in.resolve("day2").resolve("top.png")
			.toAbsolutePath().toString()), sources);
	}

	@Test
	void validationCancelsWithTheReason() throws IOException {
		final Path out = tmp.resolve("out");
		Module m = harness.run(CommandText.GENERATE, options(tmp.resolve("missing"), out, ""), null);
		assertTrue(CommandHarness.canceled(m));
		assertTrue(CommandHarness.reason(m).contains("does not exist"), CommandHarness.reason(m));

		final Path empty = Files.createDirectories(tmp.resolve("empty"));
		m = harness.run(CommandText.GENERATE, options(empty, out, "file_pattern=*.czi"), null);
		assertTrue(CommandHarness.reason(m).contains("matches '*.czi'"), CommandHarness.reason(m));

		m = harness.run(CommandText.GENERATE, "output_folder=" + CommandHarness.quote(out), null);
		assertTrue(CommandHarness.canceled(m));
		assertTrue(CommandHarness.reason(m).contains("input_folder"), CommandHarness.reason(m));
	}

	/** The README's headless line: Fiji's --run hands "key=value,key=value" to the command by its title. */
	@Test
	void runsFromTheHeadlessCommandLine() throws IOException {
		final Path in = inputs();
		Files.delete(in.resolve("b_broken.tif"));
		final Path out = tmp.resolve("headless");
		final Context context = new Context(CommandService.class, StatusService.class, LogService.class,
			PrefService.class, ZoomCamService.class, ConsoleService.class, RunService.class, StartupService.class,
			ParseService.class, ScriptService.class, UIService.class);
		try {
			context.service(PrefService.class).clear(GeneratePseudoLabelsCommand.class);
			context.service(ConsoleService.class).processArgs("--run", "Generate Pseudo-Labels...", "input_folder='" +
				in + "',output_folder='" + out + "',model='" + Fixtures.BUNDLE + "',target='p>=0.1',device='cpu'," +
				"overwrite=false,opacity=0.5");
			context.service(StartupService.class).executeOperations();
		}
		finally {
			context.dispose();
		}
		assertTrue(Files.exists(out.resolve("a_cells").resolve("result.json")));
		assertTrue(Files.exists(out.resolve("c_grey").resolve("result.json")));
		assertTrue(Files.readString(out.resolve("a_cells").resolve("boxes.csv")).lines().count() > 1, "classes " +
			"reaching p >= 0.1 were labelled");
	}
}
