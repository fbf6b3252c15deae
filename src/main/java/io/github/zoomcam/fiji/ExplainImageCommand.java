package io.github.zoomcam.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.io.FileInfo;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.pipeline.ImageChecks;
import io.github.zoomcam.pipeline.ImageConversion;
import io.github.zoomcam.pipeline.PseudoLabelOutputs;
import io.github.zoomcam.pipeline.TiffIntegrity;
import io.github.zoomcam.labels.ImageAnnotation;
import io.github.zoomcam.pipeline.tiling.MemoryBudget;
import io.github.zoomcam.pipeline.tiling.TileGrid;
import io.github.zoomcam.pipeline.tiling.TileSource;
import io.github.zoomcam.pipeline.tiling.TiledExplainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Zoom-CAM > Explain Image...: heatmaps, pseudo-labels, overlay and ROIs for the active image. */
@Plugin(type = Command.class, menuPath = CommandText.MENU + CommandText.EXPLAIN, headless = true,
	initializer = "initChoices")
public class ExplainImageCommand extends ExplainingCommand {

	@Parameter(label = CommandText.IMAGE, validater = "validateImage")
	private ImagePlus image;
	@Parameter(label = CommandText.PLANES, description = CommandText.PLANES_HELP, persist = false,
		choices = { CommandText.PLANES_CURRENT, CommandText.PLANES_ALL })
	private String planes = CommandText.PLANES_CURRENT;
	@Parameter(label = CommandText.SHOW_HEATMAPS, persist = false)
	private boolean show_heatmaps = true;
	@Parameter(label = CommandText.SHOW_MAP, persist = false)
	private boolean show_map = true;
	@Parameter(label = CommandText.SHOW_OVERLAY, persist = false)
	private boolean show_overlay = true;
	@Parameter(label = CommandText.ADD_TO_ROI_MANAGER, persist = false)
	private boolean add_to_roi_manager = true;
	@Parameter(label = CommandText.SHOW_LABELS, persist = false)
	private boolean show_labels = true;
	@Parameter(label = CommandText.SHOW_TABLE, persist = false)
	private boolean show_table = true;

	/*
	 * The outputs are also given to ImageJ by the command itself (ImageJOutputs), under the titles
	 * "<image> heatmaps", "<image> <method>", "<image> labels" and "<image> instances", and the rows go to ImageJ's Results table,
	 * so that macros find them in the GUI and headless; scripts read them here.
	 */
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ImagePlus heatmaps;
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ImagePlus map;
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ImagePlus label_image;
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ImagePlus instance_image;
	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ResultsTable results;

	protected void validateImage() {
		validated("image", image == null ? null : ImageChecks.problem(image));
	}

	@Override
	protected String title() {
		return CommandText.EXPLAIN;
	}

	@Override
	protected void execute() {
		final String problem = ImageChecks.problem(image);
		if (problem != null) throw new ZoomCamException(problem);
		if (!(show_heatmaps || show_map || show_overlay || add_to_roi_manager || show_labels || show_table)) {
			throw new ZoomCamException("every output is switched off; switch on at least one (e.g. show_overlay=true)");
		}
		final BundleManifest manifest = ModelBundle.readManifest(modelPath());
		final ExplainSettings settings = settings(manifest);
		ImageChecks.require(image, manifest);
		final String incomplete = sourceFileProblem();
		if (incomplete != null) {
			throw new ZoomCamException(incomplete + "; the image shows zeros where its pixels are missing");
		}
		final List<int[]> positions = positions();
		final ModelBundle bundle = bundle();
		final ExplainOptions options = settings.options().toBuilder().layerMapsAtOriginalSize(settings.layerMaps()
			.atOriginalSize((long) image.getWidth() * image.getHeight())).build();
		final TileGrid grid = settings.tiling().plan(image, manifest);
		if (grid != null) {
			MemoryBudget.require(image.getTitle(), image.getWidth(), image.getHeight(), settings.fullSizeOutputs(manifest,
				(long) image.getWidth() * image.getHeight(), settings.fewestTargets() * positions.size(), true));
			// Reset first: an Esc pressed once the user is told it stops the run must stop it.
			IJ.resetEscape();
			log.info(title() + ": " + image.getTitle() + " is explained in " + grid.describe() + (grid.scale() == 1
				? " at native resolution" : "") + " (tile=none resizes it to the model input instead); Esc stops");
		}
		final ResultsTable table = show_table ? ImageJOutputs.results() : null;
		final ExplainOutputs outputs = new ExplainOutputs(image, settings.mainMethod(), settings.opacity(), positions
			.size());
		final List<String> flatPlanes = new ArrayList<>();
		for (int i = 0; i < positions.size(); i++) {
			if (isCanceled()) return;
			final int z = positions.get(i)[0];
			final int t = positions.get(i)[1];
			status.showStatus(i, positions.size(), "Zoom-CAM: explaining " + image.getTitle());
			// A large image is never converted whole: its flatness is read from its pixels, its tiles from views.
			final ImageInput input = grid == null ? ImageConversion.toInput(image, image.getTitle(), z, t) : null;
			final String flat = input != null ? ImageChecks.flatness(input) : ImageChecks.flatness(image, image
				.getTitle(), z, t);
			if (flat != null) {
				outputs.note(z, t, flat);
				flatPlanes.add(flat);
				continue;
			}
			final ExplainResult result = grid == null ? bundle.explainer().explain(List.of(input), options, monitor())
				: new TiledExplainer(bundle.explainer(), TiledExplainer.DEFAULT_TILE_BATCH).explain(TileSource.of(image,
					image.getTitle(), z, t), grid, settings.options(), options.layerMapsAtOriginalSize(), settings.tiledEvidence(
						(long) image.getWidth() * image.getHeight(), true), targets ->
						MemoryBudget.require(image.getTitle(), image.getWidth(), image.getHeight(), settings.fullSizeOutputs(
							manifest, (long) image.getWidth() * image.getHeight(), targets * positions.size(), true)),
					tileMonitor(i, positions.size()));
			final ImageExplanation explanation = result.images().get(0);
			explanation.warnings().forEach(w -> log.warn(w));
			if (explanation.targets().isEmpty()) {
				outputs.note(z, t, "no class reached the target " + targetText());
				continue;
			}
			// The guide: the plane explained, at full resolution (a tiled plane is converted only now, once).
			final float[] guide = settings.annotation().refine().isNone() ? null : input != null ? PseudoLabelOutputs
				.guide(input, image.getType() == ImagePlus.COLOR_RGB || image.getType() == ImagePlus.COLOR_256)
				: PseudoLabelOutputs.guide(image, z, t);
			final ImageAnnotation annotation = PseudoLabelOutputs.annotate(explanation, settings.mainMethod(), settings
				.annotation(), guide);
			final String labelWarning = PseudoLabelOutputs.warningLine(annotation);
			if (labelWarning != null) {
				log.warn(title() + ": " + (positions.size() > 1 ? "slice " + z + (image.getNFrames() > 1 ? " frame " + t
					: "") + ": " : "") + labelWarning);
			}
			outputs.add(z, t, explanation, annotation, table);
		}
		status.showProgress(positions.size(), positions.size());
		outputs.notes().forEach(n -> log.info(title() + ": " + n));
		if (outputs.notes().size() == positions.size()) {
			if (flatPlanes.size() == positions.size()) {
				throw new ZoomCamException(positions.size() == 1 ? flatPlanes.get(0) : "every plane of " + image
					.getTitle() + " is flat: nothing to explain, no labels given");
			}
			throw new ZoomCamException("nothing to show: no class of " + image.getTitle() + " reached the target '" +
				targetText() + "'" + (flatPlanes.isEmpty() ? "" : " (" + flatPlanes.size() + " flat plane(s) left out)") +
				"; lower the probability or name classes");
		}
		if (show_heatmaps) heatmaps = outputs.heatmaps();
		if (show_map) map = outputs.maps();
		if (show_labels) {
			label_image = outputs.labels();
			instance_image = outputs.instances();
		}
		if (show_overlay) image.setOverlay(outputs.mergedOverlay());
		if (add_to_roi_manager) addToRoiManager(outputs.rois());
		if (table != null) results = table;
		publish();
	}

	/** Gives the outputs to ImageJ (images by title, rows in the Results table), the input image current. */
	private void publish() {
		ImageJOutputs.show(heatmaps);
		ImageJOutputs.show(map);
		ImageJOutputs.show(label_image);
		ImageJOutputs.show(instance_image);
		if (results != null) ImageJOutputs.showResults(results);
		published("heatmaps", "map", "label_image", "instance_image", "results");
	}

	/**
	 * Why the file the image was opened from is incomplete (a truncated TIFF), or null: ImageJ's and
	 * Bio-Formats' readers fill the missing pixels with zeros.
	 */
	private String sourceFileProblem() {
		final FileInfo info = image.getOriginalFileInfo();
		if (info == null || info.directory == null || info.fileName == null || info.directory.isEmpty()) return null;
		final Path file = Paths.get(info.directory, info.fileName);
		return Files.isRegularFile(file) ? TiffIntegrity.problem(file) : null;
	}

	/** Per-tile progress in the status bar ("plane 2/3" for stacks); Esc or cancelling stops between batches. */
	private ExplainMonitor tileMonitor(final int plane, final int planes) {
		return new ExplainMonitor() {

			@Override
			public void progress(final int done, final int total, final String what) {
				status.showStatus(done, total, "Zoom-CAM: " + what + (planes > 1 ? " (plane " + (plane + 1) + "/" + planes +
					")" : "") + " of " + image.getTitle());
			}

			@Override
			public boolean cancelled() {
				if (IJ.escapePressed() && !isCanceled()) cancel("cancelled with Esc");
				return isCanceled();
			}
		};
	}

	/** (z, t) of the displayed plane, or of every plane. */
	private List<int[]> positions() {
		final List<int[]> list = new ArrayList<>();
		if (CommandText.PLANES_ALL.equalsIgnoreCase(planes.trim())) {
			for (int t = 1; t <= image.getNFrames(); t++) {
				for (int z = 1; z <= image.getNSlices(); z++) list.add(new int[] { z, t });
			}
		}
		else if (CommandText.PLANES_CURRENT.equalsIgnoreCase(planes.trim())) {
			list.add(new int[] { Math.max(1, image.getZ()), Math.max(1, image.getT()) });
		}
		else {
			throw new ZoomCamException("planes '" + planes + "' is not understood; use current or all");
		}
		return list;
	}

	/**
	 * With a display, the ROI Manager is opened if needed. Headless, no window may be made (not even
	 * the hidden one RoiManager.getInstance() makes for macros): an already existing manager is used,
	 * otherwise the ROIs stay available in the image overlay.
	 */
	private void addToRoiManager(final List<Roi> rois) {
		final RoiManager manager = headless() ? RoiManager.getRawInstance() : RoiManager.getRoiManager();
		if (manager == null) {
			log.info(title() + ": no ROI Manager without a display; the " + rois.size() + " ROIs are in the " +
				"image overlay (Image > Overlay > To ROI Manager)");
			return;
		}
		for (final Roi roi : rois) manager.addRoi(roi);
	}
}
