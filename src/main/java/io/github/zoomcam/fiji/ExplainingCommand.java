package io.github.zoomcam.fiji;

import io.github.zoomcam.engine.BundleManifest;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.pipeline.ExplainSettings;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.scijava.plugin.Parameter;

/**
 * A command that explains images: the method, layers, targets and pseudo-label inputs shared by "Explain
 * Image..." and "Generate Pseudo-Labels...", parsed by the same {@link ExplainSettings} as the command line.
 */
abstract class ExplainingCommand extends ModelCommand {

	@Parameter(label = CommandText.METHOD, description = CommandText.METHOD_HELP, persist = false)
	protected String method = CommandText.METHOD_DEFAULT;
	@Parameter(label = CommandText.LAYERS, description = CommandText.LAYERS_HELP, persist = false)
	protected String layers = CommandText.LAYERS_DEFAULT;
	@Parameter(label = CommandText.TARGET, description = CommandText.TARGET_HELP, persist = false)
	protected String target = CommandText.TARGET_DEFAULT;
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
	@Parameter(label = CommandText.SCALE, min = "0.01", stepSize = "0.25", persist = false)
	protected double scale = CommandText.SCALE_DEFAULT;

	@Override
	protected void initChoices() {
		super.initChoices();
		choices("method", Arrays.stream(CamMethod.values()).map(CamMethod::id).toList());
		choices("keep", List.of(CommandText.KEEP_DEFAULT, "all"));
	}

	/** The inputs as settings for this bundle; a bad value fails with one line before any image is read. */
	protected final ExplainSettings settings(final BundleManifest manifest) {
		final Map<String, String> text = new LinkedHashMap<>();
		text.put(ExplainSettings.METHOD, method);
		text.put(ExplainSettings.LAYERS, layers);
		text.put(ExplainSettings.TARGET, target);
		text.put(ExplainSettings.THRESHOLD, threshold);
		text.put(ExplainSettings.KEEP, keep);
		text.put(ExplainSettings.MIN_AREA, String.valueOf(min_area));
		text.put(ExplainSettings.OPACITY, String.valueOf(opacity));
		text.put(ExplainSettings.TILE, tile);
		text.put(ExplainSettings.OVERLAP, String.valueOf(overlap));
		text.put(ExplainSettings.SCALE, String.valueOf(scale));
		text.putAll(moreSettings());
		return ExplainSettings.parse(manifest, text);
	}

	/** Settings of a subclass's own inputs (e.g. the series of Generate Pseudo-Labels). */
	protected Map<String, String> moreSettings() {
		return Map.of();
	}
}
