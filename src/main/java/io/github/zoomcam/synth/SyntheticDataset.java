package io.github.zoomcam.synth;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.core.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a synthetic data set to a folder:
 *
 * <pre>
 * images/img_00000.tif      the image (8-bit or 16-bit; grey, RGB, or a 3-channel 16-bit hyperstack)
 * labels/img_00000.tif      16-bit class labels: 0 = background, k = class index + 1
 * instances/img_00000.tif   16-bit instance ids: 0 = background, 1..n as in boxes.csv
 * image_labels.csv          image,nucleus,rod,ring,puncta with 0/1 per class
 * boxes.csv                 image,class,instance,x,y,width,height,area_px per visible instance
 * classes.txt               one class name per line, in index order
 * dataset.json              seed, n, size, channels, bit depth, generator version, class counts
 * </pre>
 *
 * Every file is written under a temporary name and renamed; dataset.json comes last, so a folder without it is
 * an unfinished data set. A folder holding only a previous data set's files may be written over: its images
 * beyond the new n are removed, so the folder always describes exactly one data set.
 */
public final class SyntheticDataset {

	public static final String IMAGES_DIR = "images";
	public static final String LABELS_DIR = "labels";
	public static final String INSTANCES_DIR = "instances";
	public static final String IMAGE_LABELS_CSV = "image_labels.csv";
	public static final String BOXES_CSV = "boxes.csv";
	public static final String CLASSES_TXT = "classes.txt";
	public static final String DATASET_JSON = "dataset.json";
	public static final String EXTENSION = ".tif";
	public static final String GENERATOR = "zoomcam-synth";

	private static final Set<String> OWN_ENTRIES = Set.of(IMAGES_DIR, LABELS_DIR, INSTANCES_DIR,
		IMAGE_LABELS_CSV, BOXES_CSV, CLASSES_TXT, DATASET_JSON);
	/** Our image files and the temporary files of an interrupted write of one. */
	private static final Pattern OWN_IMAGE_FILE = Pattern.compile("(\\.part-)?img_\\d+.*\\.(tif|png)");

	/** Told after every image; called on the writing thread. */
	@FunctionalInterface
	public interface Progress {

		Progress NONE = (done, total) -> {};

		void imagesDone(int done, int total);
	}

	private SyntheticDataset() {}

	/** The file name of image {@code index} in images/, labels/ and instances/. */
	public static String fileName(final int index) {
		return SyntheticImage.nameOf(index) + EXTENSION;
	}

	public static DatasetSummary write(final Path outDir, final int n, final long seed, final SynthOptions options) {
		return write(outDir, n, seed, options, Progress.NONE, () -> false);
	}

	/**
	 * Generates and writes images 0..n-1 of the given seed. When {@code cancelled} turns true (checked before each
	 * image), the images written so far are completed into a consistent, smaller data set marked
	 * "complete": false.
	 *
	 * @throws ZoomCamException when n is below 1, the folder holds files other than a previous data set's, or a
	 *           file cannot be written
	 */
	public static DatasetSummary write(final Path outDir, final int n, final long seed, final SynthOptions options,
		final Progress progress, final BooleanSupplier cancelled)
	{
		if (n < 1) throw new ZoomCamException("the number of images must be at least 1, not " + n);
		if (options == null) throw new ZoomCamException("no synthetic image options given; use SynthOptions.defaults()");
		prepareFolder(outDir);
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(options);
		final int classCount = SynthClass.values().length;
		final int[] imagesWithClass = new int[classCount];
		final int[] instancesOfClass = new int[classCount];
		int emptyImages = 0;
		final StringBuilder imageLabels = new StringBuilder(imageLabelsHeader());
		final StringBuilder boxes = new StringBuilder("image,class,instance,x,y,width,height,area_px\n");
		AtomicFiles.writeString(outDir.resolve(CLASSES_TXT), classesText());
		int written = 0;
		boolean stopped = false;
		for (int index = 0; index < n; index++) {
			if (cancelled.getAsBoolean()) {
				stopped = true;
				break;
			}
			final SyntheticImage image = generator.generate(seed, index);
			final String file = fileName(index);
			SyntheticImageFiles.writeTiff(SyntheticImageFiles.image(image), outDir.resolve(IMAGES_DIR).resolve(file));
			SyntheticImageFiles.writeTiff(SyntheticImageFiles.classLabels(image), outDir.resolve(LABELS_DIR).resolve(
				file));
			SyntheticImageFiles.writeTiff(SyntheticImageFiles.instanceIds(image), outDir.resolve(INSTANCES_DIR)
				.resolve(file));
			final boolean[] present = image.classesPresent();
			imageLabels.append(file);
			for (int k = 0; k < classCount; k++) {
				imageLabels.append(present[k] ? ",1" : ",0");
				if (present[k]) imagesWithClass[k]++;
			}
			imageLabels.append('\n');
			if (image.instances().isEmpty()) emptyImages++;
			for (final InstanceBox box : image.instances()) {
				instancesOfClass[box.synthClass().index()]++;
				boxes.append(file).append(',').append(box.synthClass().label()).append(',').append(box.id()).append(',')
					.append(box.x()).append(',').append(box.y()).append(',').append(box.width()).append(',').append(box
						.height()).append(',').append(box.areaPx()).append('\n');
			}
			written++;
			progress.imagesDone(written, n);
		}
		removeStaleImages(outDir, written);
		AtomicFiles.writeString(outDir.resolve(IMAGE_LABELS_CSV), imageLabels.toString());
		AtomicFiles.writeString(outDir.resolve(BOXES_CSV), boxes.toString());
		final DatasetSummary summary = new DatasetSummary(outDir, seed, n, written, stopped, imagesWithClass,
			instancesOfClass, emptyImages);
		AtomicFiles.writeString(outDir.resolve(DATASET_JSON), datasetJson(summary, options));
		return summary;
	}

	private static String imageLabelsHeader() {
		final StringBuilder header = new StringBuilder("image");
		for (final SynthClass synthClass : SynthClass.values()) header.append(',').append(synthClass.label());
		return header.append('\n').toString();
	}

	private static String classesText() {
		final StringBuilder text = new StringBuilder();
		for (final SynthClass synthClass : SynthClass.values()) text.append(synthClass.label()).append('\n');
		return text.toString();
	}

	/**
	 * Refuses folders with other content, so a typo in the output path cannot mix a data set into unrelated
	 * files; removes dataset.json first so an interrupted rewrite is not mistaken for a finished data set.
	 */
	private static void prepareFolder(final Path outDir) {
		if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
			throw new ZoomCamException(outDir + " is a file, not a folder; choose a new or empty folder for the data set");
		}
		try {
			if (Files.isDirectory(outDir)) {
				try (Stream<Path> entries = Files.list(outDir)) {
					for (final Path entry : (Iterable<Path>) entries::iterator) {
						final String name = entry.getFileName().toString();
						final boolean ours = OWN_ENTRIES.contains(name) || name.startsWith(".part-");
						if (!ours) {
							throw new ZoomCamException(outDir + " already holds '" + name +
								"', which is not part of a synthetic data set; choose a new or empty folder");
						}
					}
				}
			}
			Files.createDirectories(outDir.resolve(IMAGES_DIR));
			Files.createDirectories(outDir.resolve(LABELS_DIR));
			Files.createDirectories(outDir.resolve(INSTANCES_DIR));
			Files.deleteIfExists(outDir.resolve(DATASET_JSON));
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot prepare " + outDir + " (" + e.getMessage() +
				"); check the path and that the folder is writable");
		}
	}

	private static void removeStaleImages(final Path outDir, final int written) {
		final Set<String> current = new HashSet<>();
		for (int index = 0; index < written; index++) current.add(fileName(index));
		for (final String folder : List.of(IMAGES_DIR, LABELS_DIR, INSTANCES_DIR)) {
			final Path dir = outDir.resolve(folder);
			try (Stream<Path> files = Files.list(dir)) {
				for (final Path file : (Iterable<Path>) files::iterator) {
					final String name = file.getFileName().toString();
					if (OWN_IMAGE_FILE.matcher(name).matches() && !current.contains(name)) Files.delete(file);
				}
			}
			catch (final IOException e) {
				throw new ZoomCamException("cannot remove old images from " + dir + " (" + e.getMessage() +
					"); check the folder is writable, or write the data set to a new folder");
			}
		}
	}

	private static String datasetJson(final DatasetSummary summary, final SynthOptions options) {
		final StringBuilder json = new StringBuilder("{\n");
		json.append("  \"generator\": \"").append(GENERATOR).append("\",\n");
		json.append("  \"generator_version\": \"").append(SyntheticImageGenerator.VERSION).append("\",\n");
		json.append("  \"seed\": ").append(summary.seed()).append(",\n");
		json.append("  \"n\": ").append(summary.written()).append(",\n");
		json.append("  \"requested_n\": ").append(summary.requested()).append(",\n");
		json.append("  \"complete\": ").append(summary.complete()).append(",\n");
		json.append("  \"width\": ").append(options.width()).append(",\n");
		json.append("  \"height\": ").append(options.height()).append(",\n");
		json.append("  \"channels\": ").append(options.channels()).append(",\n");
		json.append("  \"bit_depth\": ").append(options.bitDepth()).append(",\n");
		json.append("  \"image_layout\": \"").append(imageLayout(options)).append("\",\n");
		// Written only for the newer scene kinds, so that a sparse data set's files stay as they always were.
		if (options.scene() != SceneKind.SPARSE) {
			json.append("  \"scene\": \"").append(options.scene().id()).append("\",\n");
		}
		json.append("  \"file_extension\": \"").append(EXTENSION).append("\",\n");
		json.append("  \"classes\": [");
		final SynthClass[] classes = SynthClass.values();
		for (int k = 0; k < classes.length; k++) {
			json.append(k == 0 ? "" : ", ").append('"').append(classes[k].label()).append('"');
		}
		json.append("],\n");
		json.append("  \"label_values\": \"labels: 0 = background, class index + 1; instances: 0 = background, ")
			.append("instance id as in boxes.csv; overlaps go to the object drawn last\",\n");
		json.append("  \"images_with_class\": ").append(perClass(summary.imagesWithClass())).append(",\n");
		json.append("  \"instances_of_class\": ").append(perClass(summary.instancesOfClass())).append(",\n");
		json.append("  \"empty_images\": ").append(summary.emptyImages()).append('\n');
		return json.append("}\n").toString();
	}

	private static String imageLayout(final SynthOptions options) {
		if (options.channels() == 1) return "grey";
		return options.bitDepth() == 8 ? "rgb" : "channels-first hyperstack (3 pages)";
	}

	private static String perClass(final int[] counts) {
		final StringBuilder out = new StringBuilder("{");
		final SynthClass[] classes = SynthClass.values();
		for (int k = 0; k < classes.length; k++) {
			out.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %d", classes[k].label(),
				counts[k]));
		}
		return out.append('}').toString();
	}
}
