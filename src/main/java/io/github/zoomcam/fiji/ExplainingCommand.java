package io.github.zoomcam.fiji;

import ij.process.AutoThresholder;
import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.OutputKind;
import io.github.zoomcam.pipeline.ExplainSettings;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.scijava.ItemVisibility;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Parameter;

/**
 * A command that explains images: the method, layers, targets and pseudo-label inputs shared by "Explain
 * Image..." and "Generate Pseudo-Labels...", parsed by the same {@link ExplainSettings} as the command line.
 * Layers and targets are choices; the names, k and probability they may need have their own fields, and
 * the dialog lists the selected model's classes and layers (read from its zoomcam.json, no native code).
 */
abstract class ExplainingCommand extends ModelCommand {

	@Parameter(label = CommandText.MODEL_SUMMARY, visibility = ItemVisibility.MESSAGE, required = false,
		persist = false)
	protected String model_summary = "";
	@Parameter(label = CommandText.METHOD, description = CommandText.METHOD_HELP, persist = false)
	protected String method = CommandText.METHOD_DEFAULT;
	@Parameter(label = CommandText.LAYERS, description = CommandText.LAYERS_HELP, persist = false,
		choices = { "default", "all", "last", CommandText.LAYERS_BY_NAME })
	protected String layers = CommandText.LAYERS_DEFAULT;
	@Parameter(label = CommandText.LAYER_NAMES, description = CommandText.LAYER_NAMES_HELP, required = false,
		persist = false)
	protected String layer_names = "";
	@Parameter(label = CommandText.TARGET, description = CommandText.TARGET_HELP, persist = false,
		choices = { ExplainSettings.DEFAULT_TARGET, "top1", CommandText.TARGET_TOP_K,
			CommandText.TARGET_MIN_PROBABILITY, CommandText.TARGET_CLASS_NAMES })
	protected String target = CommandText.TARGET_DEFAULT;
	@Parameter(label = CommandText.TOP_K, min = "1", persist = false)
	protected int top_k = CommandText.TOP_K_DEFAULT;
	@Parameter(label = CommandText.MIN_PROBABILITY, min = "0", max = "1", stepSize = "0.05", persist = false)
	protected double min_probability = CommandText.MIN_PROBABILITY_DEFAULT;
	@Parameter(label = CommandText.CLASS_NAMES, description = CommandText.CLASS_NAMES_HELP, required = false,
		persist = false)
	protected String class_names = "";
	@Parameter(label = CommandText.REFINE, description = CommandText.REFINE_HELP, persist = false,
		choices = { "image", "none" })
	protected String refine = CommandText.REFINE_DEFAULT;
	@Parameter(label = CommandText.REFINE_THRESHOLDING, description = CommandText.REFINE_THRESHOLDING_HELP,
		persist = false)
	protected String refine_thresholding = CommandText.REFINE_THRESHOLDING_DEFAULT;
	@Parameter(label = CommandText.REFINE_SIGMA, min = "0", stepSize = "0.1", persist = false)
	protected double refine_sigma = CommandText.REFINE_SIGMA_DEFAULT;
	@Parameter(label = CommandText.REFINE_BACKGROUND, min = "0", persist = false)
	protected double refine_background = CommandText.REFINE_BACKGROUND_DEFAULT;
	@Parameter(label = CommandText.REFINE_POLARITY, description = CommandText.REFINE_POLARITY_HELP,
		persist = false, choices = { "auto", "bright", "dark" })
	protected String refine_polarity = CommandText.REFINE_POLARITY_DEFAULT;
	@Parameter(label = CommandText.REFINE_WATERSHED, persist = false)
	protected boolean refine_watershed = CommandText.REFINE_WATERSHED_DEFAULT;
	@Parameter(label = CommandText.REFINE_MIN_EVIDENCE, min = "0", max = "1", stepSize = "0.01", persist = false)
	protected double refine_min_evidence = CommandText.REFINE_MIN_EVIDENCE_DEFAULT;
	@Parameter(label = CommandText.REFINE_NOISE_FLOOR, min = "0", persist = false)
	protected double refine_noise_floor = CommandText.REFINE_NOISE_FLOOR_DEFAULT;
	@Parameter(label = CommandText.REFINE_MIN_SIZE, min = "1", persist = false)
	protected int refine_min_size = CommandText.REFINE_MIN_SIZE_DEFAULT;
	@Parameter(label = CommandText.THRESHOLD, description = CommandText.THRESHOLD_HELP, persist = false)
	protected String threshold = CommandText.THRESHOLD_DEFAULT;
	@Parameter(label = CommandText.KEEP, description = CommandText.KEEP_HELP, persist = false)
	protected String keep = CommandText.KEEP_DEFAULT;
	@Parameter(label = CommandText.MIN_AREA, min = "1", persist = false)
	protected int min_area = CommandText.MIN_AREA_DEFAULT;
	@Parameter(label = CommandText.OPACITY, min = "0", max = "1", stepSize = "0.05", persist = false)
	protected double opacity = CommandText.OPACITY_DEFAULT;
	@Parameter(label = CommandText.TILE, description = CommandText.TILE_HELP, persist = false)
	protected String tile = CommandText.TILE_DEFAULT;
	@Parameter(label = CommandText.OVERLAP, min = "0", max = "0.5", stepSize = "0.05", persist = false)
	protected double overlap = CommandText.OVERLAP_DEFAULT;
	@Parameter(label = CommandText.SCALE, description = CommandText.SCALE_HELP, persist = false)
	protected String scale = CommandText.SCALE_DEFAULT;

	@Override
	protected void initChoices() {
		super.initChoices();
		choices("method", Arrays.stream(CamMethod.values()).map(CamMethod::id).toList());
		choices("keep", List.of(CommandText.KEEP_DEFAULT, "all"));
		choices("refine_thresholding", Arrays.asList(AutoThresholder.getMethods()));
	}

	/** Lists the selected model's classes and layers in the dialog (initializer and model callback). */
	@Override
	protected void modelChanged() {
		super.modelChanged();
		BundleManifest manifest = null;
		final String problem = modelProblem(model);
		try {
			final Path path = model == null || model.getPath().isBlank() ? zoomCam == null ? null : zoomCam
				.defaultModel() : problem == null ? model.toPath() : null;
			if (path != null) manifest = ModelBundle.readManifest(path);
			model_summary = manifest != null ? modelSummary(manifest) : problem != null ? problem
				: "No model chosen yet.";
		}
		catch (final ZoomCamException e) {
			model_summary = "The model cannot be read: " + e.getMessage();
		}
		describe("layer_names", CommandText.LAYER_NAMES_HELP + (manifest == null ? "" : "; this model's layers: " +
			String.join(", ", manifest.layerNames())));
		describe("class_names", CommandText.CLASS_NAMES_HELP + (manifest == null ? "" : "; this model's classes: " +
			String.join(", ", manifest.classes())));
	}

	/** What the dialog says about a model: its classes, what "default" targets, and its layers. */
	static String modelSummary(final BundleManifest manifest) {
		final boolean multiLabel = manifest.output() == OutputKind.SIGMOID;
		final List<String> layerNames = manifest.layerNames();
		return manifest.name() + ": classes " + String.join(", ", manifest.classes()) + " (" + (multiLabel
			? "multi-label; target default = every class with probability >= 0.5"
			: "single-label; target default = the best class") + "); layers " + String.join(", ", layerNames) +
			" (default: " + (manifest.defaultLayers().equals(layerNames) ? "all " + layerNames.size() : String.join(
				", ", manifest.defaultLayers())) + "; last: " + layerNames.get(layerNames.size() - 1) + ")";
	}

	/** The layers text the settings parser reads: a choice, or the names (field or older macros). */
	protected final String layersText() {
		if (!CommandText.LAYERS_BY_NAME.equalsIgnoreCase(layers.trim())) return layers;
		if (layer_names == null || layer_names.isBlank()) {
			throw new ZoomCamException("layers=layer_names needs the names: add layer_names=NAME;NAME (or choose " +
				"default, all or last)");
		}
		return layer_names;
	}

	/** The target text the settings parser reads: a choice with its value, or an older macro's text. */
	protected final String targetText() {
		final String choice = target.trim().toLowerCase(Locale.ROOT);
		if (choice.equals(CommandText.TARGET_TOP_K)) return "top" + top_k;
		if (choice.equals(CommandText.TARGET_MIN_PROBABILITY)) {
			return "p>=" + String.format(Locale.ROOT, "%s", min_probability);
		}
		if (choice.equals(CommandText.TARGET_CLASS_NAMES)) {
			if (class_names == null || class_names.isBlank()) {
				throw new ZoomCamException("target=class_names needs the names: add class_names=NAME;NAME (or choose " +
					"default, top1, top_k or min_probability)");
			}
			return class_names;
		}
		return target;
	}

	/** The inputs as settings for this bundle; a bad value fails with one line before any image is read. */
	protected final ExplainSettings settings(final BundleManifest manifest) {
		final Map<String, String> text = new LinkedHashMap<>();
		text.put(ExplainSettings.METHOD, method);
		text.put(ExplainSettings.LAYERS, layersText());
		text.put(ExplainSettings.TARGET, targetText());
		text.put(ExplainSettings.THRESHOLD, threshold);
		text.put(ExplainSettings.KEEP, keep);
		text.put(ExplainSettings.MIN_AREA, String.valueOf(min_area));
		text.put(ExplainSettings.OPACITY, String.valueOf(opacity));
		text.put(ExplainSettings.REFINE, refine);
		text.put(ExplainSettings.REFINE_THRESHOLDING, refine_thresholding);
		text.put(ExplainSettings.REFINE_SIGMA, String.valueOf(refine_sigma));
		text.put(ExplainSettings.REFINE_BACKGROUND, String.valueOf(refine_background));
		text.put(ExplainSettings.REFINE_POLARITY, refine_polarity);
		text.put(ExplainSettings.REFINE_WATERSHED, String.valueOf(refine_watershed));
		text.put(ExplainSettings.REFINE_MIN_EVIDENCE, String.valueOf(refine_min_evidence));
		text.put(ExplainSettings.REFINE_NOISE_FLOOR, String.valueOf(refine_noise_floor));
		text.put(ExplainSettings.REFINE_MIN_SIZE, String.valueOf(refine_min_size));
		text.put(ExplainSettings.TILE, tile);
		text.put(ExplainSettings.OVERLAP, String.valueOf(overlap));
		text.put(ExplainSettings.SCALE, scale);
		text.putAll(moreSettings());
		return ExplainSettings.parse(manifest, text);
	}

	/** Settings of a subclass's own inputs (e.g. the series of Generate Pseudo-Labels). */
	protected Map<String, String> moreSettings() {
		return Map.of();
	}

	private void describe(final String input, final String description) {
		if (getInfo().getInput(input) == null) return;
		final MutableModuleItem<String> item = getInfo().getMutableInput(input, String.class);
		if (item != null) item.setDescription(description);
	}
}
