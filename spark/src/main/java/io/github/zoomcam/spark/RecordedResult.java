package io.github.zoomcam.spark;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.pipeline.BatchRunner;
import io.github.zoomcam.pipeline.ResultFolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a committed result folder's result.json says about its image, for summary rows of images that were
 * not explained by the current task: kept results (skipped) and results an earlier attempt of this job
 * committed. Reads only the documented fields: targets (class, probability) and the pseudo-labels' kept
 * components.
 *
 * @param classes explained classes and probabilities, in result.json's order (the engine's)
 * @param instances kept pseudo-label components over all classes
 */
record RecordedResult(List<BatchRunner.ClassScore> classes, int instances) {

	/** As {@link BatchRunner} notes an explained image that had no class to explain. */
	static final String NO_CLASS_NOTE = "no class reached the target";

	RecordedResult {
		classes = List.copyOf(classes);
	}

	/** Reads the result.json of a result folder; null when it is missing or unreadable. */
	static RecordedResult read(final Path resultFolder) {
		try {
			final JsonObject root = JsonParser.parseString(Files.readString(resultFolder.resolve(ResultFolder.RESULT_JSON),
				StandardCharsets.UTF_8)).getAsJsonObject();
			final List<BatchRunner.ClassScore> classes = new ArrayList<>();
			for (final JsonElement t : root.getAsJsonArray("targets")) {
				final JsonObject target = t.getAsJsonObject();
				classes.add(new BatchRunner.ClassScore(target.get("class").getAsString(), target.get("probability")
					.getAsFloat()));
			}
			int instances = 0;
			if (root.has("pseudo_labels")) {
				for (final JsonElement c : root.getAsJsonObject("pseudo_labels").getAsJsonArray("classes")) {
					final JsonArray components = c.getAsJsonObject().getAsJsonArray("components");
					instances += components.size();
				}
			}
			return new RecordedResult(classes, instances);
		}
		catch (final IOException | RuntimeException e) {
			return null;
		}
	}
}
