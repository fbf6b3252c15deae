package io.github.zoomcam.engine.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The templates shipped in the jar: found on the class path, so the command line and a Fiji installation
 * (jars/) need no folder of their own.
 */
public final class TemplateCatalog {

	static final String FOLDER = "/io/github/zoomcam/engine/train/templates/";
	private static final String INDEX = FOLDER + "templates.json";
	private static volatile TemplateCatalog builtIn;

	private final List<ModelTemplate> templates;

	private TemplateCatalog(final List<ModelTemplate> templates) {
		this.templates = List.copyOf(templates);
	}

	/** The catalogue of the jar's templates (read once). */
	public static TemplateCatalog builtIn() {
		TemplateCatalog catalog = builtIn;
		if (catalog == null) {
			catalog = read();
			builtIn = catalog;
		}
		return catalog;
	}

	public List<ModelTemplate> templates() {
		return templates;
	}

	/** Architecture names, each once, in catalogue order. */
	public List<String> architectures() {
		return List.copyOf(new LinkedHashSet<>(templates.stream().map(ModelTemplate::arch).toList()));
	}

	/** The template of an architecture for a channel count; fails with the choices. */
	public ModelTemplate find(final String arch, final int channels) {
		final List<ModelTemplate> ofArch = templates.stream().filter(t -> t.arch().equalsIgnoreCase(arch.trim()))
			.toList();
		if (ofArch.isEmpty()) {
			throw new ZoomCamException("unknown architecture '" + arch + "'; choose one of: " + String.join(", ",
				architectures()));
		}
		return ofArch.stream().filter(t -> t.channels() == channels).findFirst().orElseThrow(
			() -> new ZoomCamException("architecture '" + arch + "' has no template for " + channels +
				"-channel images (it has " + String.join(", ", ofArch.stream().map(t -> t.channels() + "").toList()) +
				"); convert the images to grey or RGB"));
	}

	/** The module file's bytes. */
	public static byte[] read(final ModelTemplate template) {
		try (InputStream in = TemplateCatalog.class.getResourceAsStream(template.resource())) {
			if (in == null) throw missing(template.resource());
			return in.readAllBytes();
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read the template " + template.fileName() + " (" + e.getMessage() +
				"); reinstall the Zoom-CAM jar");
		}
	}

	private static TemplateCatalog read() {
		try (InputStream in = TemplateCatalog.class.getResourceAsStream(INDEX)) {
			if (in == null) throw missing(INDEX);
			final JsonObject root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
				.getAsJsonObject();
			final int maxClasses = root.get("max_classes").getAsInt();
			final List<ModelTemplate> out = new ArrayList<>();
			for (final JsonElement e : root.getAsJsonArray("templates")) {
				final JsonObject t = e.getAsJsonObject();
				final List<String> layers = new ArrayList<>();
				for (final JsonElement l : t.getAsJsonArray("layers")) layers.add(l.getAsString());
				out.add(new ModelTemplate(t.get("arch").getAsString(), t.get("channels").getAsInt(), FOLDER + t.get(
					"file").getAsString(), t.get("description").getAsString(), layers, t.get("gradcam_layer")
						.getAsString(), maxClasses, t.get("sha256").getAsString()));
			}
			return new TemplateCatalog(out);
		}
		catch (final IOException | RuntimeException e) {
			if (e instanceof ZoomCamException z) throw z;
			throw new ZoomCamException("the training templates index is damaged (" + e.getMessage() +
				"); reinstall the Zoom-CAM jar");
		}
	}

	private static ZoomCamException missing(final String resource) {
		return new ZoomCamException("the training template " + resource + " is not in the Zoom-CAM jar; reinstall it " +
			"(or rebuild with the templates of tools/make_templates.py)");
	}
}
