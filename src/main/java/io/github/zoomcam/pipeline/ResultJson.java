package io.github.zoomcam.pipeline;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.Instance;
import io.github.zoomcam.labels.ImageAnnotation;

import java.util.List;
import java.util.Map;

/**
 * The result.json written next to each image's heatmaps: enough to reproduce and audit the run. It holds
 * nothing that changes from run to run (no timings, no dates), so the same image, model and settings give
 * the same bytes whether the command line, Fiji or a Spark executor wrote it; timings go to progress lines
 * and logs instead.
 */
public final class ResultJson {

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
		.disableHtmlEscaping()
		.create();

	private ResultJson() {}

	/**
	 * @param batch the engine call that explained the image (its runtime: engine, version, device)
	 * @param source the image file the result was made from (its key)
	 * @param settings what was asked; {@code settingsHash} is its key
	 * @param heatmapFiles per method, the heatmap stack file name per explained class name
	 * @param annotation the pseudo-labels, or null when none were made
	 */
	public static String of(final ModelBundle bundle, final SourceFile source, final ImageExplanation image,
		final ExplainResult batch, final ExplainSettings settings, final String settingsHash,
		final Map<CamMethod, Map<String, String>> heatmapFiles, final ImageAnnotation annotation)
	{
		final String warning = PseudoLabelOutputs.warningLine(annotation);
		return of(bundle, source, image, batch, settings, settingsHash, heatmapFiles, annotation == null ? null
			: new Labels(annotation.classes(), annotation.instances(), settings.annotation(), warning == null ? List.of()
				: List.of(warning), true));
	}

	/**
	 * The pseudo-labels as result.json records them.
	 *
	 * @param options the options they were made with (the refinement actually used)
	 * @param warnings one-line notes about them
	 * @param instanceImage whether instances.tif was written
	 */
	public record Labels(List<ClassAnnotation> classes, List<Instance> instances, AnnotationOptions options,
		List<String> warnings, boolean instanceImage)
	{

		public Labels {
			classes = List.copyOf(classes);
			instances = List.copyOf(instances);
			warnings = List.copyOf(warnings);
		}
	}

	/**
	 * {@link #of(ModelBundle, SourceFile, ImageExplanation, ExplainResult, ExplainSettings, String, Map,
	 * ImageAnnotation)} with the pseudo-labels given as {@link Labels} (null when none were made).
	 */
	public static String of(final ModelBundle bundle, final SourceFile source, final ImageExplanation image,
		final ExplainResult batch, final ExplainSettings settings, final String settingsHash,
		final Map<CamMethod, Map<String, String>> heatmapFiles, final Labels annotation)
	{
		final JsonObject root = new JsonObject();
		root.add("source", source.toJson());
		root.addProperty("settings_hash", settingsHash);
		root.add("settings", settings.toJson(bundle.manifest()));
		final JsonObject model = new JsonObject();
		model.addProperty("name", bundle.manifest().name());
		model.addProperty("path", bundle.source().toString());
		model.addProperty("fingerprint", bundle.fingerprint());
		model.addProperty("self_test", bundle.selfTest().toString());
		root.add("model", model);
		final JsonObject runtime = new JsonObject();
		runtime.addProperty("engine", batch.runtime().engine());
		runtime.addProperty("engine_version", batch.runtime().engineVersion());
		runtime.addProperty("djl_version", batch.runtime().djlVersion());
		runtime.addProperty("flavor", batch.runtime().flavor());
		runtime.addProperty("device", batch.runtime().device());
		root.add("runtime", runtime);
		final JsonObject img = new JsonObject();
		img.addProperty("name", image.imageName());
		img.addProperty("path", source.path().toString());
		img.addProperty("width", image.width());
		img.addProperty("height", image.height());
		root.add("image", img);
		final CamMethod method = settings.mainMethod();
		root.addProperty("method", method.id());
		final JsonArray methods = new JsonArray();
		heatmapFiles.keySet().forEach(m -> methods.add(m.id()));
		root.add("methods", methods);
		final JsonArray layerArray = new JsonArray();
		settings.options().layersFor(bundle.manifest()).forEach(layerArray::add);
		root.add("layers", layerArray);
		final JsonArray targets = new JsonArray();
		final String gradcamLayer = settings.options().gradcamLayerFor(bundle.manifest());
		for (final TargetExplanation t : image.targets()) {
			final JsonObject o = new JsonObject();
			o.addProperty("class", t.className());
			o.addProperty("index", t.classIndex());
			o.addProperty("score", t.score());
			o.addProperty("probability", t.probability());
			o.addProperty("gradcam_layer", gradcamLayer);
			o.addProperty("heatmaps", heatmapFiles.get(method).get(t.className()));
			final JsonObject byMethod = new JsonObject();
			heatmapFiles.forEach((m, files) -> byMethod.addProperty(m.id(), files.get(t.className())));
			o.add("heatmaps_by_method", byMethod);
			targets.add(o);
		}
		root.add("targets", targets);
		final JsonObject scores = new JsonObject();
		final float[] probabilities = image.probabilities();
		final float[] logits = image.logits();
		final List<String> classes = bundle.manifest().classes();
		for (int i = 0; i < classes.size(); i++) {
			final JsonObject s = new JsonObject();
			s.addProperty("logit", logits[i]);
			s.addProperty("probability", probabilities[i]);
			scores.add(classes.get(i), s);
		}
		root.add("class_scores", scores);
		final JsonArray warnings = new JsonArray();
		image.warnings().forEach(warnings::add);
		if (annotation != null) annotation.warnings().forEach(warnings::add);
		root.add("warnings", warnings);
		if (annotation != null) root.add("pseudo_labels", pseudoLabels(annotation, annotation.options()));
		return GSON.toJson(root) + "\n";
	}

	private static JsonObject pseudoLabels(final Labels annotation, final AnnotationOptions options) {
		final JsonObject o = new JsonObject();
		o.addProperty("refine", options.refine().toString());
		o.addProperty("protocol", options.refine().isNone() ? "paper: threshold each class map, keep components, "
			+ "fuse classes" : "image-guided: outlines from the image, classes from the maps");
		o.addProperty("instance_count", annotation.instances().size());
		if (options.refine().isNone()) {
			o.addProperty("threshold", String.valueOf(options.threshold()));
			o.addProperty("keep", String.valueOf(options.keep()));
			o.addProperty("background_fraction", Double.isNaN(options.backgroundFraction()) ? "threshold" : String
				.valueOf(options.backgroundFraction()));
		}
		final JsonObject files = new JsonObject();
		files.addProperty("mask", PseudoLabelOutputs.MASK);
		files.addProperty("labels", PseudoLabelOutputs.LABELS);
		if (annotation.instanceImage()) files.addProperty("instances", PseudoLabelOutputs.INSTANCES);
		files.addProperty("rois", PseudoLabelOutputs.ROIS);
		files.addProperty("boxes", PseudoLabelOutputs.BOXES);
		files.addProperty("overlay", PseudoLabelOutputs.OVERLAY);
		o.add("files", files);
		final JsonArray classes = new JsonArray();
		for (final ClassAnnotation c : annotation.classes()) {
			final JsonObject entry = new JsonObject();
			entry.addProperty("class", c.className());
			entry.addProperty("index", c.classIndex());
			entry.addProperty("score", c.score());
			if (options.refine().isNone()) entry.addProperty("cut", c.label().threshold());
			// One entry per instance of the class, in id order (the paper's protocol: its kept components).
			final JsonArray components = new JsonArray();
			for (final Instance k : annotation.instances()) {
				if (k.classIndex() != c.classIndex()) continue;
				final JsonObject comp = new JsonObject();
				comp.addProperty("instance", k.id());
				comp.addProperty("score", k.score());
				comp.addProperty("x", k.box().x());
				comp.addProperty("y", k.box().y());
				comp.addProperty("width", k.box().width());
				comp.addProperty("height", k.box().height());
				comp.addProperty("area_px", k.area());
				components.add(comp);
			}
			entry.add("components", components);
			entry.addProperty("instances", components.size());
			classes.add(entry);
		}
		o.add("classes", classes);
		return o;
	}
}
