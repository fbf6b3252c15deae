package io.github.zoomcam.fiji;

import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import io.github.zoomcam.pipeline.ResultFolder;

import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticDataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.module.Module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The macros in macros/*.ijm: every run("Label", "options") call names a Zoom-CAM command and only its
 * parameters (checked on the text, branches included), and each macro runs in ImageJ's own macro
 * interpreter with run() calls going through the SciJava command layer with the same option strings.
 * getDirectory("imagej") is the project folder here, whose plugins/Zoom-CAM mirrors Fiji.app's.
 */
class MacroTest {

	static final Path MACROS = Paths.get("macros");
	static final List<String> LABELS = List.of(CommandText.EXPLAIN, CommandText.GENERATE, CommandText.EVALUATE,
		CommandText.INFO, CommandText.TRAIN);
	private static final Pattern RUN_START = Pattern.compile("\\brun\\(\\s*");
	private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static CommandHarness harness;

	@TempDir
	Path tmp;

	@BeforeAll
	static void start() throws ReflectiveOperationException {
		harness = new CommandHarness();
		MacroBridge.install(harness, LABELS);
	}

	@AfterAll
	static void stop() {
		harness.close();
	}

	@BeforeEach
	void clean() {
		// ImageJ lists (and removes) batch-mode images only while batch mode is on
		final boolean batch = Interpreter.batchMode;
		Interpreter.batchMode = true;
		for (final int id : Interpreter.getBatchModeImageIDs()) {
			final ImagePlus image = WindowManager.getImage(id);
			if (image != null) Interpreter.removeBatchModeImage(image);
		}
		Interpreter.batchMode = batch;
		WindowManager.setTempCurrentImage(null);
		synchronized (MacroBridge.runs) {
			MacroBridge.runs.clear();
		}
		MacroBridge.notes.clear();
		harness.logged.clear();
	}

	static List<Path> macros() throws IOException {
		try (Stream<Path> s = Files.list(MACROS)) {
			return s.filter(p -> p.toString().endsWith(".ijm")).sorted().toList();
		}
	}

	/** The option string of a run() call with every non-literal part replaced by "X". */
	static String literalOptions(final String expression) {
		final StringBuilder text = new StringBuilder();
		final Matcher m = LITERAL.matcher(expression);
		int last = 0;
		while (m.find()) {
			if (!expression.substring(last, m.start()).replaceAll("[\\s+]", "").isEmpty()) text.append('X');
			text.append(m.group(1));
			last = m.end();
		}
		if (!expression.substring(last).replaceAll("[\\s+]", "").isEmpty()) text.append('X');
		return text.toString();
	}

	@Test
	void everyRunCallNamesACommandAndItsParameters() throws IOException {
		final List<Path> files = macros();
		assertEquals(4, files.size(), "explain, batch, evaluate and train examples: " + files);
		int calls = 0;
		for (final Path file : files) {
			final String code = Files.readString(file, StandardCharsets.UTF_8);
			final Matcher run = RUN_START.matcher(code);
			while (run.find()) {
				final String call = upTo(code, run.end(), ')');
				final Matcher label = LITERAL.matcher(call);
				assertTrue(label.lookingAt(), file + ": run(" + call + ") has no literal command label");
				calls++;
				assertTrue(LABELS.contains(label.group(1)), file + ": run(\"" + label.group(1) + "\") is not a " +
					"Zoom-CAM command");
				final String rest = call.substring(label.end()).trim();
				final String argument = rest.startsWith(",") ? rest.substring(1).trim() : "";
				// options assembled in a variable: check the literal pieces that build it
				final String options = argument.isEmpty() || argument.startsWith("\"") ? literalOptions(argument)
					: literalOptions(assignments(code, argument));
				CommandHarness.inputs(harness.command(label.group(1)), options, null);
			}
		}
		assertTrue(calls >= 4, "each macro calls a command");
	}

	/** The text from {@code start} to the first {@code end} character outside string literals. */
	static String upTo(final String code, final int start, final char end) {
		boolean quoted = false;
		for (int i = start; i < code.length(); i++) {
			final char c = code.charAt(i);
			if (c == '\\' && quoted) i++;
			else if (c == '"') quoted = !quoted;
			else if (c == end && !quoted) return code.substring(start, i);
		}
		throw new AssertionError("no closing '" + end + "' after: " + code.substring(start, Math.min(code.length(),
			start + 80)));
	}

	/** Every expression assigned to a variable (options = ...;), joined by spaces. */
	private static String assignments(final String code, final String variable) {
		final Matcher m = Pattern.compile("\\b" + Pattern.quote(variable) + "\\s*=(?!=)").matcher(code);
		final List<String> parts = new ArrayList<>();
		while (m.find()) {
			parts.add(upTo(code, m.end(), ';').trim().replaceFirst("^" + Pattern.quote(variable) + "\\s*\\+", ""));
		}
		assertFalse(parts.isEmpty(), "no assignment to " + variable);
		return String.join(" + \" \" + ", parts);
	}

	/** Macro code that reports an expression's value to the test: note("nImages", nImages). */
	private static String note(final String key, final String expression) {
		return "call(\"" + MacroBridge.class.getName() + ".note\", \"" + key + "\", \"\" + " + expression + ");\n";
	}

	/**
	 * Runs a macro file, followed by test code in the same macro, in ImageJ's interpreter in batch mode, as a
	 * headless Fiji runs macros (no window exists; images are batch-mode images).
	 */
	private static void runMacro(final String name, final String argument, final String then) throws IOException {
		final String code = Files.readString(MACROS.resolve(name), StandardCharsets.UTF_8) + "\n" + then;
		final Interpreter interpreter = new Interpreter();
		interpreter.setIgnoreErrors(true);
		final boolean batch = Interpreter.batchMode;
		Interpreter.batchMode = true;
		try {
			interpreter.run(code, argument);
		}
		finally {
			Interpreter.batchMode = batch;
		}
		assertFalse(interpreter.wasError(), () -> name + " failed: " + interpreter.getErrorMessage());
		assertEquals(List.of(), harness.logged("unsupported output"), "SciJava shows no output itself");
	}

	@Test
	void trainMacroRunsHeadlessAndWritesABundle() throws IOException {
		final Path data = tmp.resolve("labelled images");
		SyntheticDataset.write(data, 24, 17, SynthOptions.defaults().withSize(128, 128));
		final Path out = tmp.resolve("my classifier");
		runMacro("train_classifier.ijm", "data=[" + data + "] out=[" + out + "] epochs=2 input_size=48 device=cpu",
			note("nResults", "nResults") + note("kept", "getResultString(\"kept\", 1)") + note("epoch 1",
				"getResult(\"epoch\", 1)") + note("mAP 1", "getResult(\"val_mAP\", 1)") + note("nImages", "nImages") +
			"selectImage(\"Zoom-CAM Training\");\n" + note("plot", "getTitle()"));
		final Module train = lastRun(CommandText.TRAIN);
		assertFalse(CommandHarness.canceled(train), () -> CommandHarness.reason(train));
		assertTrue(Files.isRegularFile(out.resolve("model.pt")) && Files.isRegularFile(out.resolve("zoomcam.json")));
		final ResultsTable history = (ResultsTable) train.getOutput("history");
		assertEquals(2, history.size(), "one row per epoch");
		assertEquals("2", MacroBridge.notes.get("nResults"), "the macro reads the epochs from the Results table");
		assertEquals("2", MacroBridge.notes.get("epoch 1"));
		assertEquals(history.getStringValue("kept", 1), MacroBridge.notes.get("kept"));
		assertEquals(history.getValue("val_mAP", 1), Double.parseDouble(MacroBridge.notes.get("mAP 1")), 1e-4);
		assertEquals("1", MacroBridge.notes.get("nImages"), "the plot is the one image");
		assertEquals("Zoom-CAM Training", MacroBridge.notes.get("plot"));
	}

	private static Module lastRun(final String label) {
		synchronized (MacroBridge.runs) {
			for (int i = MacroBridge.runs.size() - 1; i >= 0; i--) {
				final Module m = MacroBridge.runs.get(i);
				if (m.getInfo().getMenuPath().getLeaf().getName().equals(label)) return m;
			}
		}
		throw new AssertionError(label + " was not run by the macro");
	}

	@Test
	void explainActiveImageMacroFindsTheOutputsByTitleAndReadsTheResults() throws IOException {
		runMacro("explain_active_image.ijm", "", note("nImages", "nImages") + note("current", "getTitle()") +
			"selectImage(\"img_00003 heatmaps\");\n" + note("heatmap slices", "nSlices") + note("heatmap bits",
				"bitDepth()") + "selectImage(\"img_00003 zoomcam\");\n" + note("map slices", "nSlices") +
			"selectImage(\"img_00003 labels\");\n" + note("label bits", "bitDepth()") +
			"selectImage(\"img_00003 instances\");\n" + note("instance bits", "bitDepth()") + note("instance max",
				"getValue(\"Max\")") + note("nResults", "nResults") +
			note("Table.size", "Table.size") + note("class 0", "getResultString(\"class\", 0)") + note("x 0",
				"getResult(\"x\", 0)") + note("Table class 0", "Table.getString(\"class\", 0)"));
		final Module m = lastRun(CommandText.EXPLAIN);
		assertFalse(CommandHarness.canceled(m), () -> CommandHarness.reason(m));
		final ImagePlus image = (ImagePlus) m.getInput("image");
		assertEquals("img_00003.tif", image.getTitle(), "the macro opened the sample");
		assertNotNull(image.getOverlay());
		final Map<String, String> seen = MacroBridge.notes;
		// the opened sample and the four images the command made
		assertEquals("5", seen.get("nImages"), seen.toString());
		assertEquals("img_00003.tif", seen.get("current"), "the macro selected its image again");
		// one class (rod) reaches p >= 0.5 on this sample: 10 layers and the fused map
		assertEquals("11", seen.get("heatmap slices"));
		assertEquals("32", seen.get("heatmap bits"));
		assertEquals("1", seen.get("map slices"));
		assertEquals("16", seen.get("label bits"));
		assertEquals("16", seen.get("instance bits"));
		final ResultsTable results = (ResultsTable) m.getOutput("results");
		assertTrue(results.size() >= 1, "at least one class of the sample reaches p >= 0.5");
		assertEquals(String.valueOf(results.size()), seen.get("nResults"), "getResult reads the command's rows");
		assertEquals(seen.get("nResults"), seen.get("Table.size"));
		assertEquals("rod", seen.get("class 0"));
		assertEquals("rod", seen.get("Table class 0"));
		assertEquals(results.getValue("x", 0), Double.parseDouble(seen.get("x 0")));
		// one row per instance (the default refinement), ids 1..n in the instance image
		assertEquals(results.size(), (int) Double.parseDouble(seen.get("instance max")), seen.toString());
		assertTrue(results.size() >= 2, "the rods of the sample are instances of their own: " + results.size());
	}

	@Test
	void batchThenEvaluateMacrosReadTheirResultsTable() throws IOException {
		final Path out = tmp.resolve("zoomcam out");
		runMacro("batch_folder.ijm", "output=[" + out + "]", note("nResults", "nResults") + note("status 0",
			"getResultString(\"status\", 0)") + note("opener 0", "getResultString(\"opener\", 0)") + note("image 7",
				"Table.getString(\"image\", 7)"));
		final Module batch = lastRun(CommandText.GENERATE);
		assertFalse(CommandHarness.canceled(batch), () -> CommandHarness.reason(batch));
		final ResultsTable summary = (ResultsTable) batch.getOutput("summary");
		assertEquals(8, summary.size(), "the eight bundled samples");
		for (int row = 0; row < summary.size(); row++) {
			assertEquals("explained", summary.getStringValue("status", row), summary.getStringValue("message", row));
		}
		assertEquals("8", MacroBridge.notes.get("nResults"));
		assertEquals("explained", MacroBridge.notes.get("status 0"));
		assertEquals("ImageJ", MacroBridge.notes.get("opener 0"), "no Bio-Formats on the tests' classpath");
		assertEquals("img_00007.tif", MacroBridge.notes.get("image 7"));
		assertTrue(Files.isRegularFile(out.resolve("img_00000").resolve(ResultFolder.RESULT_JSON)));

		runMacro("evaluate.ijm", "predictions=[" + out + "]", note("measure 0", "getResultString(\"measure\", 0)") +
			note("nImages", "nImages") + note("plot", "getTitle()"));
		final Module eval = lastRun(CommandText.EVALUATE);
		assertFalse(CommandHarness.canceled(eval), () -> CommandHarness.reason(eval));
		final ResultsTable scores = (ResultsTable) eval.getOutput("evaluation");
		assertEquals("IoU background", scores.getStringValue("measure", 0));
		assertEquals("IoU background", MacroBridge.notes.get("measure 0"), "the macro reads the evaluation");
		assertEquals("1", MacroBridge.notes.get("nImages"), "the plot is the one image");
		assertEquals("Per-class IoU (zoomcam)", MacroBridge.notes.get("plot"));
		int mIoU = -1;
		for (int row = 0; row < scores.size(); row++) {
			if (scores.getStringValue("measure", row).equals("mIoU")) mIoU = row;
		}
		final double value = scores.getValue("percent", mIoU);
		assertTrue(value > 5 && value <= 100, "mIoU of the demo model on its samples: " + value);
		assertNotNull(eval.getOutput("plot"));
	}
}
