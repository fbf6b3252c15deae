package io.github.zoomcam.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** zoomcam demo: the bundled model on the bundled samples, every output, a short summary and the scores. */
final class DemoCommand {

	static final String MODEL = "plugins/Zoom-CAM/models/synthetic-cells";
	static final String SAMPLES = "plugins/Zoom-CAM/samples";

	private final PrintStream out;
	private final PrintStream err;

	DemoCommand(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/** The installation folder: set by the launcher, else the working directory. */
	static Path home() {
		final String home = System.getProperty("zoomcam.home");
		return Paths.get(home == null ? "." : home);
	}

	int run(final String[] args) {
		final CliArgs a = new CliArgs("demo", args, Set.of("out", "device", "method"), Set.of("quiet"));
		final Path outDir = Paths.get(a.get("out", "demo-output"));
		final Path model = home().resolve(MODEL);
		final Path samples = home().resolve(SAMPLES);
		if (!Files.isDirectory(model) || !Files.isDirectory(samples.resolve("images"))) {
			throw new ZoomCamException("the demo model or samples are missing under " + home().toAbsolutePath() +
				"; run the demo from the repository (./zoomcam demo)");
		}
		final List<String> images = new ArrayList<>();
		try (Stream<Path> s = Files.list(samples.resolve("images"))) {
			s.filter(p -> p.getFileName().toString().endsWith(".tif")).sorted().forEach(p -> images.add(p.toString()));
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot list " + samples + ": " + e.getMessage());
		}
		out.println("Zoom-CAM demo: model " + model + " on " + images.size() + " sample images; every class with " +
			"probability >= 0.5 is explained; pseudo-labels by the default (image-guided) refinement");
		final List<String> explainArgs = new ArrayList<>(List.of("--model", model.toString(), "--out", outDir
			.toString(), "--target", "p>=0.5", "--method", a.get("method", "zoomcam"), "--device", a.get("device", "auto"),
			"--overwrite"));
		explainArgs.addAll(images);
		final PrintStream progress = a.flag("quiet") ? new PrintStream(OutputStream.nullOutputStream()) : err;
		final int code = new ExplainCommand(progress, progress).run(explainArgs.toArray(String[]::new));
		out.println();
		for (final String image : images) out.println(summary(outDir, Paths.get(image)));
		out.println();
		final int evaluated = new EvaluateCommand(out, err).run(new String[] {"--pred", outDir.toString(), "--truth",
			samples.toString()});
		out.println("Open " + outDir.resolve("img_00000").resolve("overlay.png") + " to see a heatmap with one " +
			"outline and box per instance; instances.tif is the instance label image, rois.zip opens in Fiji's ROI " +
			"Manager.");
		return Math.max(code, evaluated);
	}

	private static String summary(final Path outDir, final Path image) {
		final String file = image.getFileName().toString();
		final Path dir = outDir.resolve(file.substring(0, file.lastIndexOf('.')));
		try {
			final JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("result.json"),
				StandardCharsets.UTF_8)).getAsJsonObject();
			final List<String> parts = new ArrayList<>();
			for (final JsonElement e : json.getAsJsonObject("pseudo_labels").getAsJsonArray("classes")) {
				final JsonObject c = e.getAsJsonObject();
				final int instances = c.getAsJsonArray("components").size();
				parts.add(String.format(Locale.ROOT, "%s %.2f: %d instance%s", c.get("class").getAsString(), c.get("score")
					.getAsDouble(), instances, instances == 1 ? "" : "s"));
			}
			return String.format(Locale.ROOT, "  %-14s %s -> %s", file, parts.isEmpty() ? "no class found" : String
				.join(", ", parts), dir);
		}
		catch (final IOException | RuntimeException e) {
			return "  " + file + ": no result (" + e.getMessage() + ")";
		}
	}
}
