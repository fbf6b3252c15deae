package io.github.zoomcam.ij;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.engine.Timings;
import io.github.zoomcam.labels.AnnotationOptions;
import io.github.zoomcam.labels.ClassAnnotation;
import io.github.zoomcam.labels.Component;
import io.github.zoomcam.labels.ImageAnnotation;

import java.util.List;
import java.util.Map;

/** The result.json written next to each image's heatmaps: enough to reproduce and audit the run. */
public final class ResultJson {

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
		.create();

	private ResultJson() {}

	/**
	 * @param files output file names per target class name
	 * @param batchSize images that shared the batch whose timings are reported
	 */
	public static String of(final ModelBundle bundle, final String imagePath, final ImageExplanation image,
		final ExplainResult batch, final CamMethod method, final List<String> layers, final Map<String, String> files,
		final int batchSize)
	{
		return of(bundle, imagePath, image, batch, method, layers, files, batchSize, null, null);
	}

	/**
	 * As {@link #of(ModelBundle, String, ImageExplanation, ExplainResult, CamMethod, List, Map, int)}, plus a
	 * "pseudo_labels" section (settings, files, and every kept component with its box) when
	 * {@code annotation} is not null.
	 */
	public static String of(final ModelBundle bundle, final String imagePath, final ImageExplanation image,
		final ExplainResult batch, final CamMethod method, final List<String> layers, final Map<String, String> files,
		final int batchSize, final ImageAnnotation annotation, final AnnotationOptions annotationOptions)
	{
		final JsonObject root = new JsonObject();
		final JsonObject model = new JsonObject();
		model.addProperty("name", bundle.manifest().name());
		model.addProperty("path", bundle.source().toString());
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
		img.addProperty("path", imagePath);
		img.addProperty("width", image.width());
		img.addProperty("height", image.height());
		root.add("image", img);
		root.addProperty("method", method.id());
		final JsonArray layerArray = new JsonArray();
		layers.forEach(layerArray::add);
		root.add("layers", layerArray);
		final JsonArray targets = new JsonArray();
		for (final TargetExplanation t : image.targets()) {
			final JsonObject o = new JsonObject();
			o.addProperty("class", t.className());
			o.addProperty("index", t.classIndex());
			o.addProperty("score", t.score());
			o.addProperty("probability", t.probability());
			o.addProperty("gradcam_layer", t.gradCamLayer());
			o.addProperty("heatmaps", files.get(t.className()));
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
		final Timings t = batch.timings();
		final JsonObject timings = new JsonObject();
		timings.addProperty("batch_size", batchSize);
		timings.addProperty("batch_preprocess_ms", t.preprocessMs());
		timings.addProperty("batch_forward_ms", t.forwardMs());
		timings.addProperty("batch_backward_ms", t.backwardMs());
		timings.addProperty("batch_cam_ms", t.camMs());
		timings.addProperty("batch_copy_ms", t.copyMs());
		timings.addProperty("batch_total_ms", t.totalMs());
		timings.addProperty("per_image_ms", t.totalMs() / batchSize);
		root.add("timings", timings);
		final JsonArray warnings = new JsonArray();
		image.warnings().forEach(warnings::add);
		root.add("warnings", warnings);
		if (annotation != null) root.add("pseudo_labels", pseudoLabels(annotation, annotationOptions));
		return GSON.toJson(root) + "\n";
	}

	private static JsonObject pseudoLabels(final ImageAnnotation annotation, final AnnotationOptions options) {
		final JsonObject o = new JsonObject();
		o.addProperty("threshold", String.valueOf(options.threshold()));
		o.addProperty("keep", String.valueOf(options.keep()));
		o.addProperty("background_fraction", Double.isNaN(options.backgroundFraction()) ? "threshold" : String
			.valueOf(options.backgroundFraction()));
		final JsonObject files = new JsonObject();
		files.addProperty("mask", PseudoLabelOutputs.MASK);
		files.addProperty("labels", PseudoLabelOutputs.LABELS);
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
			entry.addProperty("cut", c.label().threshold());
			final JsonArray components = new JsonArray();
			for (final Component k : c.label().components()) {
				final JsonObject comp = new JsonObject();
				comp.addProperty("x", k.box().x());
				comp.addProperty("y", k.box().y());
				comp.addProperty("width", k.box().width());
				comp.addProperty("height", k.box().height());
				comp.addProperty("area_px", k.area());
				components.add(comp);
			}
			entry.add("components", components);
			classes.add(entry);
		}
		o.add("classes", classes);
		return o;
	}
}
