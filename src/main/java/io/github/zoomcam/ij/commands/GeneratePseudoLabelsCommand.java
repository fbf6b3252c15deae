package io.github.zoomcam.ij.commands;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainCancelledException;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.ZoomCamException;
import io.github.zoomcam.ij.ImageConversion;
import io.github.zoomcam.ij.ImageFiles;
import io.github.zoomcam.ij.ResultFolder;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

/**
 * Plugins > Zoom-CAM > Generate Pseudo-Labels...: the batch equivalent of {@code zoomcam explain}, writing
 * the same per-image folders (see {@link ResultFolder}). One bad file is logged and skipped; cancelling
 * (or Esc) stops between images; existing results are kept unless overwrite is chosen.
 */
@Plugin(type = Command.class, menuPath = CommandText.MENU + CommandText.GENERATE, headless = true,
	initializer = "initChoices")
public class GeneratePseudoLabelsCommand extends ZoomCamCommand {

	@Parameter(label = CommandText.INPUT_FOLDER, style = FileWidget.DIRECTORY_STYLE, validater = "validateInput")
	private File input_folder;
	@Parameter(label = CommandText.FILE_PATTERN, description = CommandText.FILE_PATTERN_HELP, persist = false)
	private String file_pattern = CommandText.FILE_PATTERN_DEFAULT;
	@Parameter(label = CommandText.RECURSIVE, persist = false)
	private boolean recursive = false;
	@Parameter(label = CommandText.OUTPUT_FOLDER, description = CommandText.OUTPUT_FOLDER_HELP,
		style = FileWidget.DIRECTORY_STYLE, validater = "validateOutput")
	private File output_folder;
	@Parameter(label = CommandText.MODEL, description = CommandText.MODEL_HELP, required = false,
		style = FileWidget.FILE_AND_DIRECTORY_STYLE, validater = "validateModel")
	private File model;
	@Parameter(label = CommandText.METHOD, description = CommandText.METHOD_HELP, persist = false)
	private String method = CommandText.METHOD_DEFAULT;
	@Parameter(label = CommandText.LAYERS, description = CommandText.LAYERS_HELP, persist = false)
	private String layers = CommandText.LAYERS_DEFAULT;
	@Parameter(label = CommandText.TARGET, description = CommandText.TARGET_HELP, persist = false)
	private String target = CommandText.TARGET_DEFAULT;
	@Parameter(label = CommandText.THRESHOLD, description = CommandText.THRESHOLD_HELP, persist = false)
	private String threshold = CommandText.THRESHOLD_DEFAULT;
	@Parameter(label = CommandText.KEEP, description = CommandText.KEEP_HELP, persist = false)
	private String keep = CommandText.KEEP_DEFAULT;
	@Parameter(label = CommandText.MIN_AREA, min = "1", persist = false)
	private int min_area = CommandText.MIN_AREA_DEFAULT;
	@Parameter(label = CommandText.DEVICE, description = CommandText.DEVICE_HELP, persist = false)
	private String device = CommandText.DEVICE_DEFAULT;
	@Parameter(label = CommandText.OPACITY, min = "0", max = "1", persist = false)
	private double opacity = CommandText.OPACITY_DEFAULT;
	@Parameter(label = CommandText.OVERWRITE, persist = false)
	private boolean overwrite = false;

	/** One row per image; set in headless runs only (with a display the table is shown). */
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ResultsTable summary;

	protected void initChoices() {
		sharedChoices();
		model = defaultModel(model);
	}

	protected void validateInput() {
		validated("input_folder", input_folder != null && !input_folder.isDirectory() ? "image folder " +
			input_folder + " does not exist or is not a folder" : null);
	}

	protected void validateOutput() {
		validated("output_folder", output_folder != null && output_folder.isFile() ? "output folder " +
			output_folder + " is a file; choose a folder" : null);
	}

	protected void validateModel() {
		validated("model", modelProblem(model));
	}

	@Override
	protected String title() {
		return CommandText.GENERATE;
	}

	@Override
	protected void execute() {
		if (!input_folder.isDirectory()) throw new ZoomCamException("image folder " + input_folder + " does not exist");
		final Path out = output_folder.toPath().toAbsolutePath().normalize();
		final Path modelPath = modelPath(model);
		final BundleManifest manifest = ModelBundle.readManifest(modelPath);
		final ExplainSettings settings = ExplainSettings.of(manifest, method, layers, target, threshold, keep,
			min_area);
		if (!(opacity >= 0 && opacity <= 1)) throw new ZoomCamException("opacity " + opacity + " is outside 0..1");
		final List<Path> files = list(input_folder.toPath(), file_pattern, recursive, out);
		if (files.isEmpty()) {
			throw new ZoomCamException("no file in " + input_folder + (recursive ? " or its sub-folders" : "") +
				" matches '" + file_pattern + "'");
		}
		final ModelBundle bundle = zoomCam.bundle(modelPath, DeviceChoice.parse(device), w -> log.warn(w));
		log.info(title() + ": " + files.size() + " images, model " + manifest.name() + ", " + bundle.runtime());
		final ResultsTable table = new ResultsTable();
		final Set<String> stems = new HashSet<>();
		int explained = 0;
		int skipped = 0;
		int failed = 0;
		IJ.resetEscape();
		for (int i = 0; i < files.size(); i++) {
			if (IJ.escapePressed() && !isCanceled()) cancel("cancelled with Esc");
			if (isCanceled()) {
				log.warn(title() + ": cancelled after " + i + " of " + files.size() + " images (" + getCancelReason() +
					"); results so far are in " + out);
				break;
			}
			final Path file = files.get(i);
			final String name = input_folder.toPath().relativize(file).toString();
			final String stem = ResultFolder.uniqueStem(file, stems);
			status.showStatus(i, files.size(), "Zoom-CAM: " + name);
			table.incrementCounter();
			table.addValue("image", name);
			table.addValue("folder", stem);
			String line;
			try {
				if (!overwrite && ResultFolder.isComplete(out.resolve(stem))) {
					skipped++;
					record(table, "skipped", "", 0, "result exists; choose overwrite to replace it");
					line = "skipped, " + out.resolve(stem) + " exists (overwrite=false)";
				}
				else {
					line = explainOne(bundle, settings, file, out.resolve(stem), table);
					explained++;
				}
			}
			catch (final ExplainCancelledException e) {
				// cancelled inside the engine (Score-CAM's many passes): nothing of this image was written
				record(table, "cancelled", "", 0, getCancelReason());
				line = "cancelled";
			}
			catch (final ZoomCamException e) {
				failed++;
				record(table, "failed", "", 0, e.getMessage());
				line = "skipped: " + e.getMessage();
			}
			catch (final RuntimeException e) {
				// a reader or library bug on one file must not end the batch
				failed++;
				final String reason = "cannot process " + name + " (" + e + ")";
				record(table, "failed", "", 0, reason);
				line = "skipped: " + reason;
			}
			status.showProgress(i + 1, files.size());
			final String message = title() + ": [" + (i + 1) + "/" + files.size() + "] " + name + ": " + line;
			if (line.startsWith("skipped: ")) log.warn(message);
			else log.info(message);
		}
		log.info(title() + ": " + explained + " explained, " + skipped + " skipped, " + failed + " failed; results " +
			"in " + out);
		if (headless()) summary = table;
		else table.show(CommandText.SUMMARY_TITLE);
	}

	/** Opens, explains and writes one image; returns the progress line. */
	private String explainOne(final ModelBundle bundle, final ExplainSettings settings, final Path file,
		final Path dir, final ResultsTable table)
	{
		final ImagePlus image = ImageFiles.open(file);
		final String problem = imageProblem(image);
		if (problem != null) throw new ZoomCamException(problem);
		checkChannels(image, bundle.manifest());
		final ExplainResult result = zoomCam.explain(bundle, List.of(ImageConversion.toInput(image, file
			.getFileName().toString(), 1, 1)), settings.options(), monitor());
		final ImageExplanation explanation = result.images().get(0);
		explanation.warnings().forEach(w -> log.warn(w));
		final ResultFolder.Written written = ResultFolder.write(dir, bundle, file, image, 1, explanation, result,
			List.of(settings.method()), settings.layers(), 1, settings.annotation(), opacity);
		final String classes = explanation.targets().stream().map(t -> String.format(Locale.ROOT, "%s %.3f", t
			.className(), t.probability())).collect(Collectors.joining(", "));
		final int components = written.annotation() == null ? 0 : written.annotation().componentCount();
		final String planes = image.getStackSize() > 1 ? "; first of " + image.getStackSize() + " planes" : "";
		record(table, "explained", classes, components, planes.isEmpty() ? "" : planes.substring(2));
		return (explanation.targets().isEmpty() ? "no class reached the target" : classes) + "; " + components +
			" component(s)" + planes;
	}

	private static void record(final ResultsTable table, final String state, final String classes,
		final int components, final String message)
	{
		table.addValue("status", state);
		table.addValue("classes", classes);
		table.addValue("components", components);
		table.addValue("message", message);
	}

	/**
	 * Regular, non-hidden files whose name matches one of the ';'-separated glob patterns (case ignored),
	 * in path order; with {@code recursive}, sub-folders too, except {@code exclude} (the output folder).
	 */
	static List<Path> list(final Path folder, final String patterns, final boolean recursive, final Path exclude) {
		final List<PathMatcher> matchers = Arrays.stream((patterns == null ? "" : patterns).split("[;\\s]+")).map(
			String::trim).filter(p -> !p.isEmpty()).map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p
				.toLowerCase(Locale.ROOT))).toList();
		if (matchers.isEmpty()) throw new ZoomCamException("empty file pattern; use e.g. *.tif or *.tif;*.png");
		final Path excluded = exclude == null ? null : exclude.toAbsolutePath().normalize();
		try (Stream<Path> walk = Files.walk(folder, recursive ? Integer.MAX_VALUE : 1)) {
			return walk.filter(Files::isRegularFile).filter(p -> excluded == null || !p.toAbsolutePath().normalize()
				.startsWith(excluded)).filter(p -> {
					final Path relative = folder.relativize(p);
					for (final Path part : relative) {
						if (part.toString().startsWith(".")) return false;
					}
					final Path lower = Path.of(p.getFileName().toString().toLowerCase(Locale.ROOT));
					return matchers.stream().anyMatch(m -> m.matches(lower));
				}).sorted().toList();
		}
		catch (final IOException | RuntimeException e) {
			throw new ZoomCamException("cannot list " + folder + ": " + e.getMessage());
		}
	}
}
