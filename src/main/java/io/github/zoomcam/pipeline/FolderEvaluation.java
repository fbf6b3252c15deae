package io.github.zoomcam.pipeline;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.labels.Box;
import io.github.zoomcam.labels.Evaluation;
import io.github.zoomcam.labels.EvaluationReport;
import io.github.zoomcam.labels.ImagePrediction;
import io.github.zoomcam.labels.ImageTruth;
import io.github.zoomcam.labels.SmallObjectRecall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Scores a folder of pseudo-labels (as written by {@code zoomcam explain} or "Generate Pseudo-Labels")
 * against a ground-truth folder (as written by {@code zoomcam synth}).
 *
 * <p>Prediction folder: one sub-folder per image with labels.tif, boxes.csv, result.json and the
 * heatmap stacks. Ground-truth folder: labels/ (label images, 0 = background, class index + 1, 255 =
 * ignore) and/or boxes.csv (image, class, x, y, width, height), optionally instances/ (instance ids, for
 * small-object recall) and classes.txt. Images are matched by file name without extension.
 */
public final class FolderEvaluation {

	/**
	 * @param report the scores
	 * @param matched images found in both folders
	 * @param problems one line per image that was skipped, with the reason
	 */
	public record Result(EvaluationReport report, int matched, int segmented, int localized, List<String> problems) {

		public Result {
			problems = List.copyOf(problems);
		}
	}

	private FolderEvaluation() {}

	/** Evaluates with the small-object limit of the paper's data (32 x 32 pixels). */
	public static Result evaluate(final Path predictions, final Path truth, final Path classesFile,
		final Consumer<String> progress)
	{
		return evaluate(predictions, truth, classesFile, SmallObjectRecall.DEFAULT_MIN_AREA, progress, () -> false);
	}

	public static Result evaluate(final Path predictions, final Path truth, final Path classesFile,
		final int smallObjectArea, final Consumer<String> progress, final BooleanSupplier cancelled)
	{
		if (!Files.isDirectory(predictions)) {
			throw new ZoomCamException("prediction folder " + predictions + " does not exist; give the --out folder " +
				"of 'zoomcam explain'");
		}
		if (!Files.isDirectory(truth)) {
			throw new ZoomCamException("ground-truth folder " + truth + " does not exist");
		}
		final List<Path> imageDirs = listImageDirs(predictions);
		if (imageDirs.isEmpty()) {
			throw new ZoomCamException("no results in " + predictions + " (expected sub-folders with result.json); run " +
				"'zoomcam explain --out " + predictions + " ...' first");
		}
		final List<String> classes = classes(classesFile, truth, imageDirs.get(0));
		final Path labelDir = Files.isDirectory(truth.resolve("labels")) ? truth.resolve("labels") : null;
		final Path instanceDir = Files.isDirectory(truth.resolve("instances")) ? truth.resolve("instances") : null;
		final Map<String, Map<Integer, List<Box>>> truthBoxes = Files.isRegularFile(truth.resolve("boxes.csv"))
			? readTruthBoxes(truth.resolve("boxes.csv"), classes) : Map.of();
		if (labelDir == null && truthBoxes.isEmpty()) {
			throw new ZoomCamException("ground-truth folder " + truth + " has neither labels/ nor boxes.csv; " +
				"see 'zoomcam synth' for the layout");
		}
		String method = null;
		final List<String> problems = new ArrayList<>();
		Evaluation evaluation = null;
		int matched = 0;
		for (int i = 0; i < imageDirs.size(); i++) {
			if (cancelled.getAsBoolean()) throw new ZoomCamException("evaluation cancelled after " + i + " images");
			final Path dir = imageDirs.get(i);
			final String stem = dir.getFileName().toString();
			progress.accept("[" + (i + 1) + "/" + imageDirs.size() + "] " + stem);
			try {
				final JsonObject result = readJson(dir.resolve("result.json"));
				final String imageName = result.getAsJsonObject("image").get("name").getAsString();
				final String imageStem = stripExtension(imageName);
				if (method == null) {
					method = result.has("method") ? result.get("method").getAsString() : "method";
					evaluation = new Evaluation(method, classes, smallObjectArea);
				}
				final Path labelFile = labelDir == null ? null : findImage(labelDir, imageStem);
				final Map<Integer, List<Box>> boxes = truthBoxes.getOrDefault(imageStem, Map.of());
				if (labelFile == null && !truthBoxes.containsKey(imageStem)) {
					// An image absent from boxes.csv has no boxes only when the truth has no label images.
					if (labelDir != null || truthBoxes.isEmpty()) {
						problems.add(stem + ": no ground truth for " + imageName + " in " + truth);
						continue;
					}
				}
				final int width = result.getAsJsonObject("image").get("width").getAsInt();
				final int height = result.getAsJsonObject("image").get("height").getAsInt();
				int[] truthLabels = null;
				int[] instances = null;
				if (labelFile != null) {
					truthLabels = readLabels(labelFile, width, height, "ground-truth label image");
					final Path instanceFile = instanceDir == null ? null : findImage(instanceDir, imageStem);
					if (instanceFile != null) instances = readLabels(instanceFile, width, height, "instance image");
				}
				final Path predictedLabelFile = dir.resolve(PseudoLabelOutputs.LABELS);
				final int[] predicted = Files.isRegularFile(predictedLabelFile) ? readLabels(predictedLabelFile, width,
					height, "predicted label image") : null;
				final ImagePrediction prediction = new ImagePrediction(predicted, rankedClasses(result, classes),
					readPredictedBoxes(dir.resolve(PseudoLabelOutputs.BOXES), classes), readMaps(dir, result, classes,
						width, height));
				evaluation.add(new ImageTruth(imageStem, width, height, truthLabels, instances, boxes), prediction);
				matched++;
			}
			catch (final ZoomCamException e) {
				problems.add(stem + ": " + e.getMessage());
			}
		}
		if (evaluation == null || matched == 0) {
			throw new ZoomCamException("no image in " + predictions + " could be matched with " + truth + (problems
				.isEmpty() ? "" : ": " + problems.get(0)));
		}
		return new Result(evaluation.report(), matched, evaluation.segmentedImages(), evaluation.localizedImages(),
			problems);
	}

	private static List<Path> listImageDirs(final Path predictions) {
		try (Stream<Path> s = Files.list(predictions)) {
			return s.filter(p -> Files.isRegularFile(p.resolve("result.json"))).sorted().toList();
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot list " + predictions + ": " + e.getMessage());
		}
	}

	/** Class names from --classes, the truth's classes.txt, or the model classes in the first result.json. */
	static List<String> classes(final Path classesFile, final Path truth, final Path firstResult) {
		Path file = classesFile;
		if (file == null && Files.isRegularFile(truth.resolve("classes.txt"))) file = truth.resolve("classes.txt");
		if (file != null) {
			try {
				final List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
					.filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
				if (names.isEmpty()) throw new ZoomCamException("class file " + file + " is empty; give one class per line");
				return names;
			}
			catch (final IOException e) {
				throw new ZoomCamException("cannot read class file " + file + ": " + e.getMessage());
			}
		}
		final JsonObject scores = readJson(firstResult.resolve("result.json")).getAsJsonObject("class_scores");
		return new ArrayList<>(scores.keySet());
	}

	private static JsonObject readJson(final Path file) {
		try {
			return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
		}
		catch (final IOException | RuntimeException e) {
			throw new ZoomCamException(file + " is not a readable result.json (" + e.getMessage() + "); re-run explain " +
				"with --overwrite");
		}
	}

	private static int[] rankedClasses(final JsonObject result, final List<String> classes) {
		final JsonObject scores = result.getAsJsonObject("class_scores");
		if (scores == null) return null;
		final List<Map.Entry<String, JsonElement>> entries = new ArrayList<>(scores.entrySet());
		entries.sort(Comparator.comparingDouble(e -> -e.getValue().getAsJsonObject().get("probability")
			.getAsDouble()));
		final List<Integer> ranked = new ArrayList<>();
		for (final Map.Entry<String, JsonElement> e : entries) {
			final int index = classes.indexOf(e.getKey());
			if (index >= 0) ranked.add(index);
		}
		return ranked.isEmpty() ? null : ranked.stream().mapToInt(Integer::intValue).toArray();
	}

	/** Per class, the box of the largest kept component. */
	private static Map<Integer, Box> readPredictedBoxes(final Path file, final List<String> classes) {
		final Map<Integer, Box> boxes = new HashMap<>();
		final Map<Integer, Integer> areas = new HashMap<>();
		if (!Files.isRegularFile(file)) return boxes;
		for (final Map<String, String> row : Csv.read(file)) {
			final int c = classIndex(row.get("class"), classes, file);
			final int area = Csv.integer(row, "area_px", file);
			if (area > areas.getOrDefault(c, -1)) {
				areas.put(c, area);
				boxes.put(c, new Box(Csv.integer(row, "x", file), Csv.integer(row, "y", file), Csv.integer(row, "width",
					file), Csv.integer(row, "height", file)));
			}
		}
		return boxes;
	}

	static Map<String, Map<Integer, List<Box>>> readTruthBoxes(final Path file, final List<String> classes) {
		final Map<String, Map<Integer, List<Box>>> boxes = new LinkedHashMap<>();
		for (final Map<String, String> row : Csv.read(file)) {
			final String image = stripExtension(Csv.require(row, "image", file));
			final int c = classIndex(row.get("class"), classes, file);
			boxes.computeIfAbsent(image, k -> new HashMap<>()).computeIfAbsent(c, k -> new ArrayList<>()).add(new Box(Csv
				.integer(row, "x", file), Csv.integer(row, "y", file), Csv.integer(row, "width", file), Csv.integer(row,
					"height", file)));
		}
		return boxes;
	}

	private static int classIndex(final String name, final List<String> classes, final Path file) {
		if (name == null) throw new ZoomCamException(file + " has no 'class' column");
		final int byName = classes.indexOf(name.trim());
		if (byName >= 0) return byName;
		try {
			final int index = Integer.parseInt(name.trim());
			if (index >= 0 && index < classes.size()) return index;
		}
		catch (final NumberFormatException e) {
			// fall through to the error below
		}
		throw new ZoomCamException(file + " names class '" + name + "', which is not one of " + classes + "; give " +
			"the class list with --classes");
	}

	/** The method's map (last slice of each heatmap stack) per explained class. */
	private static Map<Integer, float[]> readMaps(final Path dir, final JsonObject result, final List<String> classes,
		final int width, final int height)
	{
		final Map<Integer, float[]> maps = new HashMap<>();
		if (!result.has("targets")) return maps;
		for (final JsonElement e : result.getAsJsonArray("targets")) {
			final JsonObject t = e.getAsJsonObject();
			if (!t.has("heatmaps") || t.get("heatmaps").isJsonNull()) continue;
			final int c = classes.indexOf(t.get("class").getAsString());
			final Path file = dir.resolve(t.get("heatmaps").getAsString());
			if (c < 0 || !Files.isRegularFile(file)) continue;
			final ImagePlus imp = ImageFiles.open(file);
			final ImageStack stack = imp.getStack();
			checkSize(imp, width, height, "heatmap stack " + file);
			final float[] map = (float[]) stack.getProcessor(stack.getSize()).convertToFloatProcessor().getPixels();
			for (int i = 0; i < map.length; i++) map[i] = Math.max(0f, Math.min(1f, map[i]));
			maps.put(c, map);
		}
		return maps;
	}

	private static int[] readLabels(final Path file, final int width, final int height, final String what) {
		final ImagePlus imp = ImageFiles.open(file);
		checkSize(imp, width, height, what + " " + file);
		if (imp.getBitDepth() == 24 || imp.getBitDepth() == 32) {
			throw new ZoomCamException(what + " " + file + " is " + imp.getBitDepth() + "-bit; label images must be 8- " +
				"or 16-bit integers");
		}
		final ImageProcessor ip = imp.getProcessor();
		final int[] labels = new int[width * height];
		for (int i = 0; i < labels.length; i++) labels[i] = ip.get(i);
		return labels;
	}

	private static void checkSize(final ImagePlus imp, final int width, final int height, final String what) {
		if (imp.getWidth() != width || imp.getHeight() != height) {
			throw new ZoomCamException(what + " is " + imp.getWidth() + "x" + imp.getHeight() + " but the image is " +
				width + "x" + height + "; the files do not belong together");
		}
	}

	private static Path findImage(final Path dir, final String stem) {
		for (final String ext : List.of(".tif", ".tiff", ".png", ".TIF", ".TIFF", ".PNG")) {
			final Path p = dir.resolve(stem + ext);
			if (Files.isRegularFile(p)) return p;
		}
		return null;
	}

	static String stripExtension(final String name) {
		final int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(0, dot) : name;
	}

	/** A small CSV reader for our own and the generator's tables (header row, comma-separated, quotes). */
	static final class Csv {

		private Csv() {}

		static List<Map<String, String>> read(final Path file) {
			final List<String> lines;
			try {
				lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			}
			catch (final IOException e) {
				throw new ZoomCamException("cannot read " + file + ": " + e.getMessage());
			}
			final List<Map<String, String>> rows = new ArrayList<>();
			if (lines.isEmpty()) return rows;
			final List<String> header = split(lines.get(0)).stream().map(s -> s.trim().toLowerCase(Locale.ROOT))
				.toList();
			for (int i = 1; i < lines.size(); i++) {
				if (lines.get(i).isBlank()) continue;
				final List<String> cells = split(lines.get(i));
				if (cells.size() != header.size()) {
					throw new ZoomCamException(file + " line " + (i + 1) + " has " + cells.size() + " cells but the header " +
						"has " + header.size());
				}
				final Map<String, String> row = new HashMap<>();
				for (int c = 0; c < header.size(); c++) row.put(header.get(c), cells.get(c));
				rows.add(row);
			}
			return rows;
		}

		static String require(final Map<String, String> row, final String column, final Path file) {
			final String v = row.get(column);
			if (v == null) throw new ZoomCamException(file + " has no '" + column + "' column");
			return v;
		}

		static int integer(final Map<String, String> row, final String column, final Path file) {
			final String v = require(row, column, file);
			try {
				return (int) Math.round(Double.parseDouble(v.trim()));
			}
			catch (final NumberFormatException e) {
				throw new ZoomCamException(file + ": '" + v + "' in column '" + column + "' is not a number");
			}
		}

		static List<String> split(final String line) {
			final List<String> cells = new ArrayList<>();
			final StringBuilder cell = new StringBuilder();
			boolean quoted = false;
			for (int i = 0; i < line.length(); i++) {
				final char ch = line.charAt(i);
				if (quoted) {
					if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
						cell.append('"');
						i++;
					}
					else if (ch == '"') quoted = false;
					else cell.append(ch);
				}
				else if (ch == '"') quoted = true;
				else if (ch == ',') {
					cells.add(cell.toString());
					cell.setLength(0);
				}
				else cell.append(ch);
			}
			cells.add(cell.toString());
			return cells;
		}
	}
}
