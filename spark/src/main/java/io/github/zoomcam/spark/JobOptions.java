package io.github.zoomcam.spark;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.pipeline.ExplainSettings;
import io.github.zoomcam.pipeline.ImageFolders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command line of the Spark job. The settings options are those of {@code ./zoomcam explain}, under
 * the same names, so the same options give the same result folders.
 *
 * @param model bundle path (as the executors see it)
 * @param outputFolder where the result folders and the summary go
 * @param inputs image files, folders and globs
 * @param manifests manifest CSV files
 * @param settings the explain settings as text
 * @param master the Spark master; null: spark-submit's, else a local one
 * @param partitions tasks to split the images into; 0: four per slot
 * @param summary the summary CSV (default {@value #SUMMARY_NAME} in the output folder)
 * @param stats where to write the job's timings as JSON, or null
 */
record JobOptions(String model, Path outputFolder, List<String> inputs, List<Path> manifests, String pattern,
	boolean recursive, String device, int batch, boolean overwrite, Map<String, String> settings, String master,
	int partitions, int enginesPerExecutor, Path summary, Path stats)
{

	static final String SUMMARY_NAME = "zoomcam-summary.csv";

	static final String USAGE = String.join("\n",
		"usage: zoomcam-spark --model BUNDLE --out DIR [IMAGE|FOLDER|GLOB...] [--manifest CSV]",
		"         [--pattern '*.tif;*.png'] [--recursive] [--device auto|cpu|gpu] [--batch N] [--overwrite]",
		"         [--method ...] [--layers ...] [--target ...] [every other setting of ./zoomcam explain]",
		"         [--master local[4]|spark://...] [--partitions N] [--engines-per-executor N]",
		"         [--summary FILE] [--stats FILE]");

	private static final Set<String> FLAGS = Set.of("overwrite", "recursive", "no-pseudo-labels");
	private static final Set<String> VALUES = Set.of("model", "out", "manifest", "pattern", "device", "batch", "master",
		"partitions", "engines-per-executor", "summary", "stats");

	JobOptions {
		inputs = List.copyOf(inputs);
		manifests = List.copyOf(manifests);
		settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
	}

	/** Parses "--key value", "--key=value" and "--flag"; fails with one line naming the problem. */
	static JobOptions parse(final String[] args) {
		final Map<String, String> options = new LinkedHashMap<>();
		final List<String> inputs = new ArrayList<>();
		final List<Path> manifests = new ArrayList<>();
		final Set<String> settingKeys = new TreeSet<>(ExplainSettings.DEFAULTS.keySet());
		settingKeys.remove(ExplainSettings.PSEUDO_LABELS);
		for (int i = 0; i < args.length; i++) {
			final String a = args[i];
			if (!a.startsWith("--")) {
				inputs.add(a);
				continue;
			}
			String key = a.substring(2);
			String value = null;
			final int eq = key.indexOf('=');
			if (eq >= 0) {
				value = key.substring(eq + 1);
				key = key.substring(0, eq);
			}
			if (FLAGS.contains(key)) {
				options.put(key, value == null ? "true" : value);
				continue;
			}
			if (!VALUES.contains(key) && !settingKeys.contains(key)) {
				throw new ZoomCamException("unknown option --" + key + "; the options are --" + String.join(", --", new TreeSet<>(
					union(FLAGS, VALUES, settingKeys))));
			}
			if (value == null) {
				if (i + 1 >= args.length) throw new ZoomCamException("option --" + key + " needs a value");
				value = args[++i];
			}
			if (key.equals("manifest")) manifests.add(Path.of(value));
			else options.put(key, value);
		}
		final String model = require(options, "model", "give the bundle folder or .zip");
		final Path out = Path.of(require(options, "out", "give the folder to write results to")).toAbsolutePath()
			.normalize();
		if (inputs.isEmpty() && manifests.isEmpty()) {
			throw new ZoomCamException("no images given: list image files, folders or globs, or give --manifest CSV");
		}
		final Map<String, String> settings = new LinkedHashMap<>();
		for (final String key : settingKeys) {
			if (options.containsKey(key)) settings.put(key, options.get(key));
		}
		if (settings.containsKey(ExplainSettings.MIN_AREA) && !"all".equalsIgnoreCase(settings.getOrDefault(
			ExplainSettings.KEEP, "largest")))
		{
			throw new ZoomCamException("--min-area only applies with --keep all; add --keep all or drop --min-area");
		}
		if (flag(options, "no-pseudo-labels")) settings.put(ExplainSettings.PSEUDO_LABELS, "false");
		final Path summary = options.containsKey("summary") ? Path.of(options.get("summary")).toAbsolutePath()
			: out.resolve(SUMMARY_NAME);
		return new JobOptions(model, out, inputs, manifests, options.getOrDefault("pattern",
			ImageFolders.DEFAULT_PATTERN), flag(options, "recursive"), options.getOrDefault("device", "auto"), integer(
				options, "batch", 1, 1), flag(options, "overwrite"), settings, options.get("master"), integer(options,
					"partitions", 0, 0), integer(options, "engines-per-executor", 0, 0), summary, options.containsKey("stats")
						? Path.of(options.get("stats")).toAbsolutePath() : null);
	}

	/** The same options with another master (tests run on local[2,2] whatever the launcher's default). */
	JobOptions withMaster(final String newMaster) {
		return new JobOptions(model, outputFolder, inputs, manifests, pattern, recursive, device, batch, overwrite,
			settings, newMaster, partitions, enginesPerExecutor, summary, stats);
	}

	private static Set<String> union(final Set<String> a, final Set<String> b, final Set<String> c) {
		final Set<String> all = new TreeSet<>(a);
		all.addAll(b);
		all.addAll(c);
		return all;
	}

	private static String require(final Map<String, String> options, final String key, final String hint) {
		final String v = options.get(key);
		if (v == null || v.isBlank()) throw new ZoomCamException("missing --" + key + ": " + hint);
		return v;
	}

	private static boolean flag(final Map<String, String> options, final String key) {
		return Boolean.parseBoolean(options.getOrDefault(key, "false"));
	}

	private static int integer(final Map<String, String> options, final String key, final int fallback,
		final int min)
	{
		final String v = options.get(key);
		if (v == null) return fallback;
		try {
			final int n = Integer.parseInt(v.trim());
			if (n < min) throw new NumberFormatException();
			return n;
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException("--" + key + " must be a whole number >= " + min + ", got '" + v + "'");
		}
	}
}
