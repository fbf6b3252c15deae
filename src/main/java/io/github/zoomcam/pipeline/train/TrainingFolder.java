package io.github.zoomcam.pipeline.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.train.LabelKind;
import io.github.zoomcam.engine.train.LabelledImages;
import io.github.zoomcam.pipeline.ImageConversion;
import io.github.zoomcam.pipeline.ImageFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A folder of images labelled per image, in one of two layouts:
 *
 * <pre>
 * DIR/&lt;class&gt;/*.tif ...          one sub-folder per class: single-label (softmax)
 * DIR/image_labels.csv            image,&lt;class&gt;,&lt;class&gt;,... with 0/1 per class: multi-label (sigmoid);
 * DIR/images/*.tif (or DIR/*.tif)  images named in the first column (./zoomcam synth writes this layout);
 * DIR/classes.txt                 optional: class order, one name per line
 * </pre>
 *
 * Files are read when the trainer asks, by Bio-Formats in Fiji and ImageJ's opener otherwise; a file that
 * cannot be read is reported to the trainer, which skips and counts it. Problems with the folder itself are
 * one-line {@link ZoomCamException}s.
 */
public final class TrainingFolder implements LabelledImages {

	public static final String LABELS_CSV = "image_labels.csv";
	public static final String CLASSES_TXT = "classes.txt";
	public static final String IMAGES_DIR = "images";
	/** File endings taken as images in class folders (lower case; Bio-Formats formats need Fiji). */
	public static final List<String> IMAGE_ENDINGS = List.of(".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp",
		".gif", ".czi", ".nd2", ".lif", ".lsm", ".ims", ".vsi", ".oib", ".oif", ".zvi", ".dv", ".ics", ".ids");
	private static final int NAMES_SHOWN = 3;

	private final Path folder;
	private final String layout;
	private final List<String> classes;
	private final LabelKind kind;
	private final List<Path> files;
	private final List<String> names;
	private final List<float[]> targets;

	private TrainingFolder(final Path folder, final String layout, final List<String> classes, final LabelKind kind,
		final List<Path> files, final List<String> names, final List<float[]> targets)
	{
		this.folder = folder;
		this.layout = layout;
		this.classes = List.copyOf(classes);
		this.kind = kind;
		this.files = List.copyOf(files);
		this.names = List.copyOf(names);
		this.targets = List.copyOf(targets);
	}

	/** Reads the labels (not the pixels) of a training folder. */
	public static TrainingFolder read(final Path dir) {
		if (dir == null) throw new ZoomCamException("no training data given: name a folder with --data");
		final Path folder = dir.toAbsolutePath().normalize();
		if (!Files.isDirectory(folder)) {
			throw new ZoomCamException("training data folder not found: " + folder + " (give a folder with one " +
				"sub-folder per class, or with images and image_labels.csv)");
		}
		try {
			if (Files.isRegularFile(folder.resolve(LABELS_CSV))) return readCsv(folder);
			return readClassFolders(folder);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read the training folder " + folder + " (" + e.getMessage() +
				"); check its permissions");
		}
	}

	private static TrainingFolder readClassFolders(final Path folder) throws IOException {
		final List<Path> classDirs;
		try (Stream<Path> children = Files.list(folder)) {
			classDirs = children.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
		}
		if (classDirs.isEmpty()) {
			throw new ZoomCamException(folder + " has neither " + LABELS_CSV + " nor sub-folders; put each class's " +
				"images in a sub-folder named after the class, or list images with 0/1 per class in " + LABELS_CSV);
		}
		final List<String> classes = classDirs.stream().map(p -> p.getFileName().toString()).toList();
		final List<Path> files = new ArrayList<>();
		final List<String> names = new ArrayList<>();
		final List<float[]> targets = new ArrayList<>();
		for (int c = 0; c < classDirs.size(); c++) {
			final List<Path> images;
			try (Stream<Path> children = Files.list(classDirs.get(c))) {
				images = children.filter(Files::isRegularFile).filter(p -> !hidden(p)).filter(TrainingFolder::isImage)
					.sorted().toList();
			}
			if (images.isEmpty()) {
				throw new ZoomCamException("class folder " + classDirs.get(c) + " has no images (" + String.join(", ",
					IMAGE_ENDINGS.subList(0, 5)) + ", ...); add images of '" + classes.get(c) + "' or remove the folder");
			}
			for (final Path image : images) {
				final float[] target = new float[classDirs.size()];
				target[c] = 1;
				files.add(image);
				names.add(classes.get(c) + "/" + image.getFileName());
				targets.add(target);
			}
		}
		return new TrainingFolder(folder, "class folders", classes, LabelKind.SINGLE_LABEL, files, names, targets);
	}

	private static TrainingFolder readCsv(final Path folder) throws IOException {
		final Path csv = folder.resolve(LABELS_CSV);
		final List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
			.toList();
		if (lines.isEmpty()) throw new ZoomCamException(csv + " is empty; write a header 'image,<class>,...' and one " +
			"row per image");
		final List<String> header = splitCsv(stripBom(lines.get(0)));
		if (header.size() < 2) {
			throw new ZoomCamException(csv + " has no class columns; the header must be 'image,<class>,<class>,...'");
		}
		final List<String> columns = header.subList(1, header.size()).stream().map(String::trim).toList();
		if (new HashSet<>(columns).size() != columns.size()) {
			throw new ZoomCamException(csv + " names a class twice in its header; give each class one column");
		}
		final List<String> classes = classOrder(folder, csv, columns);
		final int[] columnOfClass = classes.stream().mapToInt(columns::indexOf).toArray();
		final Path imagesDir = folder.resolve(IMAGES_DIR);
		final List<Path> files = new ArrayList<>();
		final List<String> names = new ArrayList<>();
		final List<float[]> targets = new ArrayList<>();
		final List<String> missing = new ArrayList<>();
		final Set<String> seen = new HashSet<>();
		final int[] present = new int[classes.size()];
		for (int row = 1; row < lines.size(); row++) {
			final List<String> cells = splitCsv(lines.get(row));
			final String where = LABELS_CSV + " line " + (row + 1);
			if (cells.size() != header.size()) {
				throw new ZoomCamException(where + " has " + cells.size() + " values but the header has " + header.size() +
					"; give the image name and one 0/1 per class");
			}
			final String name = cells.get(0).trim();
			if (name.isEmpty()) throw new ZoomCamException(where + " has no image name in its first column");
			if (!seen.add(name)) throw new ZoomCamException(where + " lists " + name + " a second time; keep one row");
			final float[] target = new float[classes.size()];
			for (int c = 0; c < classes.size(); c++) {
				final String value = cells.get(1 + columnOfClass[c]).trim();
				if (!value.equals("0") && !value.equals("1")) {
					throw new ZoomCamException(where + ": value '" + value + "' for class '" + classes.get(c) + "' is not 0 " +
						"or 1; write 1 where the class is present and 0 where it is absent");
				}
				target[c] = value.equals("1") ? 1 : 0;
				if (target[c] > 0) present[c]++;
			}
			final Path file = Files.isRegularFile(imagesDir.resolve(name)) ? imagesDir.resolve(name) : folder.resolve(
				name);
			if (!Files.isRegularFile(file)) {
				missing.add(name);
				continue;
			}
			files.add(file);
			names.add(name);
			targets.add(target);
		}
		if (!missing.isEmpty()) {
			throw new ZoomCamException(LABELS_CSV + " names " + missing.size() + " file(s) that are in neither " +
				imagesDir + " nor " + folder + " (" + String.join(", ", missing.subList(0, Math.min(NAMES_SHOWN, missing
					.size()))) + (missing.size() > NAMES_SHOWN ? ", ..." : "") + "); fix the names or remove those rows");
		}
		if (files.isEmpty()) throw new ZoomCamException(csv + " lists no images; add one row per image");
		for (int c = 0; c < classes.size(); c++) {
			if (present[c] == 0 && classes.size() > 1) {
				throw new ZoomCamException("class '" + classes.get(c) + "' is 0 in every row of " + LABELS_CSV +
					"; add images that show it, or remove its column");
			}
		}
		return new TrainingFolder(folder, LABELS_CSV, classes, LabelKind.MULTI_LABEL, files, names, targets);
	}

	/** classes.txt's order when present (it must name the CSV's columns), else the header's. */
	private static List<String> classOrder(final Path folder, final Path csv, final List<String> columns)
		throws IOException
	{
		final Path file = folder.resolve(CLASSES_TXT);
		if (!Files.isRegularFile(file)) return columns;
		final List<String> listed = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim).filter(
			s -> !s.isEmpty()).toList();
		if (!new HashSet<>(listed).equals(new HashSet<>(columns)) || listed.size() != columns.size()) {
			throw new ZoomCamException(CLASSES_TXT + " lists " + listed + " but " + csv.getFileName() + " has the columns " +
				columns + "; make them name the same classes (or delete " + CLASSES_TXT + ")");
		}
		return listed;
	}

	/** Comma-separated values; a field in double quotes may hold commas, "" is a quote. */
	static List<String> splitCsv(final String line) {
		final List<String> out = new ArrayList<>();
		final StringBuilder field = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			final char ch = line.charAt(i);
			if (quoted) {
				if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					field.append('"');
					i++;
				}
				else if (ch == '"') quoted = false;
				else field.append(ch);
			}
			else if (ch == '"') quoted = true;
			else if (ch == ',') {
				out.add(field.toString());
				field.setLength(0);
			}
			else field.append(ch);
		}
		out.add(field.toString());
		return out;
	}

	private static String stripBom(final String line) {
		return line.startsWith("\uFEFF") ? line.substring(1) : line;
	}

	private static boolean hidden(final Path p) {
		return p.getFileName().toString().startsWith(".");
	}

	static boolean isImage(final Path p) {
		final String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return IMAGE_ENDINGS.stream().anyMatch(name::endsWith);
	}

	/** The settings of ./zoomcam synth when its dataset.json is in the folder (square images only). */
	@Override
	public JsonObject synthRecord() {
		final Path json = folder.resolve("dataset.json");
		if (!Files.isRegularFile(json)) return null;
		try {
			final JsonObject d = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
			if (!"zoomcam-synth".equals(d.get("generator").getAsString()) || d.get("width").getAsInt() != d.get("height")
				.getAsInt()) return null;
			final JsonObject synth = new JsonObject();
			synth.addProperty("generator_version", d.get("generator_version").getAsString());
			synth.addProperty("size", d.get("width").getAsInt());
			synth.addProperty("channels", d.get("channels").getAsInt());
			synth.addProperty("bit_depth", d.get("bit_depth").getAsInt());
			synth.addProperty("train_seed", d.get("seed").getAsLong());
			return synth;
		}
		catch (final IOException | RuntimeException e) {
			return null; // informative only
		}
	}

	@Override
	public String source() {
		return folder.toString();
	}

	@Override
	public String layout() {
		return layout;
	}

	@Override
	public List<String> classes() {
		return classes;
	}

	@Override
	public LabelKind kind() {
		return kind;
	}

	@Override
	public int size() {
		return files.size();
	}

	@Override
	public String name(final int index) {
		return names.get(index);
	}

	@Override
	public float[] target(final int index) {
		return targets.get(index).clone();
	}

	public Path file(final int index) {
		return files.get(index);
	}

	/** Images per class (positives), in class order. */
	public Map<String, Integer> countsPerClass() {
		final Map<String, Integer> counts = new LinkedHashMap<>();
		for (int c = 0; c < classes.size(); c++) {
			int n = 0;
			for (final float[] t : targets) if (t[c] > 0.5f) n++;
			counts.put(classes.get(c), n);
		}
		return counts;
	}

	@Override
	public ImageInput load(final int index) {
		final ImagePlus image;
		try {
			image = ImageFiles.open(files.get(index));
		}
		catch (final ZoomCamException e) {
			throw e;
		}
		catch (final RuntimeException e) {
			throw new ZoomCamException("cannot read image " + files.get(index) + " (" + e.getClass().getSimpleName() +
				"); open it in Fiji to check");
		}
		return ImageConversion.toInput(image, names.get(index), 1, 1);
	}
}
