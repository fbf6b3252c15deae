package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The contents of a bundle's zoomcam.json, validated. See tools/export_model.py for the writer.
 *
 * @param name short model name
 * @param description what the model was trained on, for the user
 * @param classes class names in logit order
 * @param output softmax (single-label) or sigmoid (multi-label)
 * @param channels input channels
 * @param height input height the network expects
 * @param width input width the network expects
 * @param preprocessing pixel scaling and normalisation
 * @param layers explainable layers in network order; model.pt takes one delta per layer
 * @param defaultLayers layers used when the user does not choose
 * @param gradcamLayer default layer for Grad-CAM
 * @param pytorchVersion PyTorch version that exported model.pt
 * @param testInput file name of the self-test input (.npy, model-input space)
 * @param expectedLogits logits of the self-test input at export time
 * @param pixelSizeUm the pixel size of the training images in micrometres ({@value #PIXEL_SIZE_UM}, optional),
 *   or NaN: with it, {@code scale auto} explains a calibrated image at the training images' pixel size
 */
public record BundleManifest(String name, String description, List<String> classes, OutputKind output,
	int channels, int height, int width, Preprocessing preprocessing, List<LayerSpec> layers,
	List<String> defaultLayers, String gradcamLayer, String pytorchVersion, String testInput,
	float[] expectedLogits, double pixelSizeUm)
{

	public static final int FORMAT_VERSION = 1;
	/** zoomcam.json key: SHA-256 of model.pt (hex), written by tools/export_model.py. */
	public static final String MODEL_SHA256 = "model_sha256";
	/** zoomcam.json key: {@link #layerNamesChecksum} of model.pt and the layer names it was exported with. */
	public static final String LAYER_NAMES_SHA256 = "layer_names_sha256";
	/** zoomcam.json key (optional): the pixel size of the training images, in micrometres. */
	public static final String PIXEL_SIZE_UM = "pixel_size_um";

	/** Whether the bundle says at what pixel size it was trained. */
	public boolean declaresPixelSize() {
		return !Double.isNaN(pixelSizeUm);
	}

	/**
	 * What binds the layer names to the exported network: SHA-256 (hex) of model.pt's SHA-256 (hex), a
	 * newline, and the layer names in order joined by newlines (tools/export_model.py computes the same).
	 */
	public static String layerNamesChecksum(final String modelSha256, final List<String> layerNames) {
		try {
			final java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
			final String text = modelSha256 + "\n" + String.join("\n", layerNames);
			return java.util.HexFormat.of().formatHex(digest.digest(text.getBytes(java.nio.charset
				.StandardCharsets.UTF_8)));
		}
		catch (final java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java has SHA-256", e);
		}
	}

	public BundleManifest {
		classes = List.copyOf(classes);
		layers = List.copyOf(layers);
		defaultLayers = List.copyOf(defaultLayers);
		expectedLogits = expectedLogits == null ? null : expectedLogits.clone();
	}

	@Override
	public float[] expectedLogits() {
		return expectedLogits == null ? null : expectedLogits.clone();
	}

	public int layerIndex(final String layerName) {
		for (int i = 0; i < layers.size(); i++) {
			if (layers.get(i).name().equals(layerName)) return i;
		}
		return -1;
	}

	public List<String> layerNames() {
		return layers.stream().map(LayerSpec::name).toList();
	}

	/**
	 * The index of a layer, or a one-line error naming this model's layers: the only place an unknown
	 * layer name is reported.
	 */
	public int requireLayer(final String layerName) {
		final int index = layerIndex(layerName);
		if (index < 0) {
			throw new ZoomCamException("unknown layer '" + layerName + "'; this model's layers are: " + String.join(
				", ", layerNames()) + " (or use default, all or last)");
		}
		return index;
	}

	/** Parses and validates; every problem is reported as a one-line {@link ZoomCamException}. */
	public static BundleManifest parse(final String json, final String source) {
		final JsonObject root;
		try {
			final JsonElement element = JsonParser.parseString(json);
			if (!element.isJsonObject()) throw new JsonParseException("not an object");
			root = element.getAsJsonObject();
		}
		catch (final JsonParseException | IllegalStateException e) {
			throw new ZoomCamException(source + " is not valid JSON (" + firstLine(e) +
				"); re-export the bundle with tools/export_model.py");
		}
		final Reader r = new Reader(root, source);
		final int version = r.integer(root, "format_version");
		if (version > FORMAT_VERSION) {
			throw new ZoomCamException(source + " has format_version " + version +
				", newer than this plugin understands (" + FORMAT_VERSION + "); update Zoom-CAM for Fiji");
		}
		final List<String> classes = r.strings(root, "classes");
		if (classes.isEmpty()) throw r.fail("'classes' is empty; list the class names in logit order");
		if (new HashSet<>(classes).size() != classes.size()) throw r.fail("'classes' has duplicate names");
		final String outputText = r.string(root, "output").toLowerCase(Locale.ROOT);
		final OutputKind output = switch (outputText) {
			case "softmax" -> OutputKind.SOFTMAX;
			case "sigmoid" -> OutputKind.SIGMOID;
			default -> throw r.fail("'output' is '" + outputText + "'; use softmax or sigmoid");
		};
		final JsonObject input = r.object(root, "input");
		final int channels = r.positive(input, "channels");
		final int height = r.positive(input, "height");
		final int width = r.positive(input, "width");

		final JsonObject pre = r.object(root, "preprocessing");
		final JsonObject ranges = r.object(pre, "value_range");
		final float[] mean = r.floats(pre, "mean");
		final float[] std = r.floats(pre, "std");
		if (mean.length != channels || std.length != channels) {
			throw r.fail("preprocessing mean/std have " + mean.length + "/" + std.length + " values for " +
				channels + " input channels");
		}
		for (final float s : std) {
			if (!(s > 0)) throw r.fail("preprocessing std must be positive, got " + s);
		}
		final String order = pre.has("channel_order") ? r.string(pre, "channel_order").toUpperCase(Locale.ROOT)
			: "RGB";
		if (!order.equals("RGB") && !order.equals("BGR")) {
			throw r.fail("channel_order is '" + order + "'; use RGB or BGR");
		}
		final Preprocessing preprocessing = new Preprocessing(r.range(ranges, "8bit"), r.range(ranges, "16bit"),
			r.range(ranges, "32bit"), mean, std, order.equals("BGR"));

		final List<LayerSpec> layers = new ArrayList<>();
		final Set<String> names = new HashSet<>();
		for (final JsonElement e : r.array(root, "layers")) {
			if (!e.isJsonObject()) throw r.fail("each entry of 'layers' must be an object");
			final JsonObject l = e.getAsJsonObject();
			final String layerName = r.string(l, "name");
			if (!names.add(layerName)) throw r.fail("layer '" + layerName + "' is listed twice");
			layers.add(new LayerSpec(layerName, r.positive(l, "channels"), r.positive(l, "height"),
				r.positive(l, "width"), r.positive(l, "stride")));
		}
		if (layers.isEmpty()) throw r.fail("'layers' is empty; export at least one layer");
		final List<String> defaults = root.has("default_layers") ? r.strings(root, "default_layers")
			: layers.stream().map(LayerSpec::name).toList();
		for (final String d : defaults) {
			if (!names.contains(d)) throw r.fail("default layer '" + d + "' is not among 'layers'");
		}
		final String gradcam = root.has("gradcam_layer") ? r.string(root, "gradcam_layer")
			: layers.get(layers.size() - 1).name();
		if (!names.contains(gradcam)) throw r.fail("gradcam_layer '" + gradcam + "' is not among 'layers'");

		String testInput = null;
		float[] expected = null;
		if (root.has("test")) {
			final JsonObject test = r.object(root, "test");
			testInput = r.string(test, "input");
			expected = r.floats(test, "expected_logits");
			if (expected.length != classes.size()) {
				throw r.fail("test.expected_logits has " + expected.length + " values for " + classes.size() +
					" classes");
			}
		}
		double pixelSize = Double.NaN;
		if (root.has(PIXEL_SIZE_UM) && !root.get(PIXEL_SIZE_UM).isJsonNull()) {
			final JsonElement e = root.get(PIXEL_SIZE_UM);
			pixelSize = e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsDouble() : Double.NaN;
			if (!(pixelSize > 0 && pixelSize < 1e6)) {
				throw r.fail("'" + PIXEL_SIZE_UM + "' is " + e + "; give the training images' pixel size in " +
					"micrometres (e.g. 0.65), or leave it out");
			}
		}
		return new BundleManifest(r.optString(root, "name", "unnamed"), r.optString(root, "description", ""),
			classes, output, channels, height, width, preprocessing, layers, defaults, gradcam,
			r.optString(root, "pytorch_version", "unknown"), testInput, expected, pixelSize);
	}

	private static String firstLine(final Throwable e) {
		final String m = String.valueOf(e.getMessage());
		final int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}

	private record Reader(JsonObject root, String source) {

		ZoomCamException fail(final String what) {
			return new ZoomCamException(source + ": " + what);
		}

		JsonElement get(final JsonObject o, final String key) {
			final JsonElement e = o.get(key);
			if (e == null || e.isJsonNull()) throw fail("missing '" + key + "'; re-export the bundle");
			return e;
		}

		JsonObject object(final JsonObject o, final String key) {
			final JsonElement e = get(o, key);
			if (!e.isJsonObject()) throw fail("'" + key + "' must be an object");
			return e.getAsJsonObject();
		}

		JsonArray array(final JsonObject o, final String key) {
			final JsonElement e = get(o, key);
			if (!e.isJsonArray()) throw fail("'" + key + "' must be a list");
			return e.getAsJsonArray();
		}

		String string(final JsonObject o, final String key) {
			final JsonElement e = get(o, key);
			if (!e.isJsonPrimitive()) throw fail("'" + key + "' must be a string");
			return e.getAsString();
		}

		String optString(final JsonObject o, final String key, final String fallback) {
			return o.has(key) && !o.get(key).isJsonNull() ? string(o, key) : fallback;
		}

		int integer(final JsonObject o, final String key) {
			final JsonElement e = get(o, key);
			try {
				final double d = e.getAsDouble();
				if (d != Math.rint(d)) throw new NumberFormatException();
				return (int) d;
			}
			catch (final RuntimeException ex) {
				throw fail("'" + key + "' must be a whole number, got " + e);
			}
		}

		int positive(final JsonObject o, final String key) {
			final int v = integer(o, key);
			if (v <= 0) throw fail("'" + key + "' must be positive, got " + v);
			return v;
		}

		List<String> strings(final JsonObject o, final String key) {
			final List<String> out = new ArrayList<>();
			for (final JsonElement e : array(o, key)) {
				if (!e.isJsonPrimitive()) throw fail("'" + key + "' must be a list of strings");
				out.add(e.getAsString());
			}
			return out;
		}

		float[] floats(final JsonObject o, final String key) {
			final JsonArray a = array(o, key);
			final float[] out = new float[a.size()];
			for (int i = 0; i < out.length; i++) {
				try {
					out[i] = a.get(i).getAsFloat();
				}
				catch (final RuntimeException e) {
					throw fail("'" + key + "' must be a list of numbers");
				}
				if (!Float.isFinite(out[i])) throw fail("'" + key + "' has a non-finite value");
			}
			return out;
		}

		Preprocessing.ValueRange range(final JsonObject ranges, final String key) {
			final JsonElement e = get(ranges, key);
			if (e.isJsonPrimitive() && "min-max".equals(e.getAsString())) return Preprocessing.ValueRange.minMax();
			if (e.isJsonArray() && e.getAsJsonArray().size() == 2) {
				try {
					return Preprocessing.ValueRange.fixed(e.getAsJsonArray().get(0).getAsDouble(),
						e.getAsJsonArray().get(1).getAsDouble());
				}
				catch (final NumberFormatException | UnsupportedOperationException ex) {
					// fall through to the error below
				}
			}
			throw fail("value_range." + key + " must be [low, high] or \"min-max\", got " + e);
		}
	}
}
