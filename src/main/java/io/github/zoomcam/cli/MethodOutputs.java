package io.github.zoomcam.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.measure.Calibration;
import io.github.zoomcam.engine.CamMethod;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ImageExplanation;
import io.github.zoomcam.engine.TargetExplanation;
import io.github.zoomcam.ij.HeatmapImages;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outputs of `zoomcam explain --method A,B,...`: one heat-map stack per method and target. The first
 * method's stacks keep the names heatmaps.tif / heatmaps-CLASS.tif; every further method M writes
 * heatmaps-M.tif / heatmaps-CLASS-M.tif (M as in {@link #fileTag}).
 */
final class MethodOutputs {

	private MethodOutputs() {}

	/** Writes the stacks; returns the file name per method and class name. */
	static Map<CamMethod, Map<String, String>> writeHeatmaps(final ImageExplanation image,
		final List<CamMethod> methods, final String stem, final Calibration calibration, final Path dir)
	{
		final Map<CamMethod, Map<String, String>> files = new LinkedHashMap<>();
		final boolean several = image.targets().size() > 1;
		for (final CamMethod m : methods) {
			final Map<String, String> mine = new LinkedHashMap<>();
			for (final TargetExplanation t : image.targets()) {
				final String name = "heatmaps" + (several ? "-" + ExplainCommand.safe(t.className()) : "") + (m == methods
					.get(0) ? "" : "-" + fileTag(m)) + ".tif";
				HeatmapImages.writeTiff(HeatmapImages.stack(t, m, stem + " " + t.className(), calibration), dir.resolve(
					name));
				mine.put(t.className(), name);
			}
			files.put(m, mine);
		}
		return files;
	}

	/** A method's name in file names: "gradcam++" becomes "gradcampp". */
	static String fileTag(final CamMethod method) {
		return ExplainCommand.safe(method.id().replace("+", "p"));
	}

	/**
	 * result.json with "methods" (all computed, the first is "method") and, per target, "heatmaps_by_method"
	 * (method id to file name).
	 */
	static String withMethods(final String json, final Map<CamMethod, Map<String, String>> files) {
		final JsonObject root = JsonParser.parseString(json).getAsJsonObject();
		final JsonArray ids = new JsonArray();
		files.keySet().forEach(m -> ids.add(m.id()));
		root.add("methods", ids);
		for (final JsonElement e : root.getAsJsonArray("targets")) {
			final JsonObject target = e.getAsJsonObject();
			final JsonObject byMethod = new JsonObject();
			files.forEach((m, f) -> byMethod.addProperty(m.id(), f.get(target.get("class").getAsString())));
			target.add("heatmaps_by_method", byMethod);
		}
		return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root) + "\n";
	}

	/** Score-CAM progress on stderr, at most every 10 seconds; the command line never cancels. */
	static final class Progress implements ExplainMonitor {

		private final PrintStream err;
		private long last = System.nanoTime();

		Progress(final PrintStream err) {
			this.err = err;
		}

		@Override
		public void progress(final int done, final int total, final String what) {
			if (done < total && System.nanoTime() - last > 10_000_000_000L) {
				err.println("  " + what + ": " + done + "/" + total);
				last = System.nanoTime();
			}
		}

		@Override
		public boolean cancelled() {
			return false;
		}
	}
}
