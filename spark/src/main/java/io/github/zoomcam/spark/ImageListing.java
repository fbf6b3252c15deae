package io.github.zoomcam.spark;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.pipeline.ImageFolders;
import io.github.zoomcam.pipeline.ResultStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The job's input list, made on the driver from paths only (no file is opened): image files, folders (their
 * images, as Fiji's Generate Pseudo-Labels lists them), globs ({@code /data/plate1/**}{@code /*.tif}) and
 * manifests. A manifest is a CSV file with the image path in the first column (relative paths are taken
 * from the manifest's folder) and, optionally, the image-level labels in the second ({@code nucleus;ring});
 * a first line whose first cell is {@code path} is a header, and empty lines and lines starting with
 * {@code #} are skipped. Paths that do not exist stay in the list: the executors report them as failed
 * in the summary, like any unreadable file.
 */
final class ImageListing {

	/** One input: the file and its labels (';'-separated, may be empty). */
	record Entry(Path path, String labels) {}

	private ImageListing() {}

	/**
	 * Lists the inputs in the order given; a path listed twice is kept once, at its first place, with the
	 * first labels a manifest gives it.
	 *
	 * @param arguments files, folders and globs
	 * @param manifests manifest CSV files
	 * @param pattern file patterns for folders and ** globs, e.g. {@value ImageFolders#DEFAULT_PATTERN}
	 * @param recursive whether folders are listed with their sub-folders
	 * @param outputFolder never listed (results are not inputs)
	 */
	static List<Entry> list(final List<String> arguments, final List<Path> manifests, final String pattern,
		final boolean recursive, final Path outputFolder)
	{
		final Map<Path, String> entries = new LinkedHashMap<>();
		for (final String argument : arguments) {
			for (final Path p : expand(argument, pattern, recursive, outputFolder)) entries.putIfAbsent(p, "");
		}
		for (final Path manifest : manifests) {
			// A path listed again keeps its place; the first labels given for it count.
			for (final Entry e : readManifest(manifest)) entries.merge(e.path(), e.labels(), (old, added) -> old.isEmpty()
				? added : old);
		}
		return entries.entrySet().stream().map(e -> new Entry(e.getKey(), e.getValue())).toList();
	}

	/** The tasks of a list: result folder names chosen over the whole list, as ./zoomcam explain names them. */
	static List<ImageTask> tasks(final List<Entry> entries) {
		final Map<Path, String> names = ResultStore.folderNames(entries.stream().map(Entry::path).toList());
		final List<ImageTask> tasks = new ArrayList<>();
		for (int i = 0; i < entries.size(); i++) {
			final Entry e = entries.get(i);
			tasks.add(new ImageTask(i, e.path().toString(), names.get(e.path()), e.labels()));
		}
		return tasks;
	}

	private static List<Path> expand(final String argument, final String pattern, final boolean recursive,
		final Path outputFolder)
	{
		final int glob = firstGlobCharacter(argument);
		if (glob < 0) {
			final Path path = absolute(Path.of(argument));
			return Files.isDirectory(path) ? ImageFolders.list(path, pattern, recursive, outputFolder) : List.of(path);
		}
		// The folder part before the first wildcard is walked; the whole pattern is matched on absolute paths.
		final int slash = argument.lastIndexOf('/', glob);
		final Path base = absolute(Path.of(slash < 0 ? "." : slash == 0 ? "/" : argument.substring(0, slash)));
		final String absolutePattern = slash < 0 ? base + "/" + argument : base + argument.substring(slash);
		final PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolutePattern);
		if (!Files.isDirectory(base)) throw new ZoomCamException("no folder " + base + " for the pattern " + argument);
		final Path excluded = outputFolder == null ? null : absolute(outputFolder);
		try (Stream<Path> walk = Files.walk(base)) {
			final List<Path> found = walk.filter(Files::isRegularFile).map(ImageListing::absolute).filter(matcher::matches)
				.filter(p -> excluded == null || !p.startsWith(excluded)).sorted().toList();
			if (found.isEmpty()) throw new ZoomCamException("no file matches " + argument);
			return found;
		}
		catch (final IOException | RuntimeException e) {
			if (e instanceof ZoomCamException z) throw z;
			throw new ZoomCamException("cannot list " + base + " for " + argument + ": " + e.getMessage());
		}
	}

	/** The entries of a manifest CSV, in file order. */
	static List<Entry> readManifest(final Path manifest) {
		final List<String> lines;
		try {
			lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot read manifest " + manifest + " (" + e.getMessage() + "); give a CSV file " +
				"with one image path per line");
		}
		final Path folder = absolute(manifest).getParent();
		final List<Entry> entries = new ArrayList<>();
		boolean firstLine = true;
		for (int n = 0; n < lines.size(); n++) {
			final String line = lines.get(n).strip();
			if (line.isEmpty() || line.startsWith("#")) continue;
			final List<String> cells = csvCells(line, manifest, n + 1);
			final String first = cells.get(0).strip();
			final boolean header = firstLine && first.equalsIgnoreCase("path");
			firstLine = false;
			if (header) continue;
			if (first.isEmpty()) throw new ZoomCamException("manifest " + manifest + " line " + (n + 1) + " has no path");
			final String labels = cells.size() > 1 ? String.join(";", cells.get(1).strip().split("\\s*[;,]\\s*")) : "";
			entries.add(new Entry(absolute(folder.resolve(first)), labels));
		}
		if (entries.isEmpty()) throw new ZoomCamException("manifest " + manifest + " lists no image");
		return entries;
	}

	/** The cells of one CSV line (RFC 4180 quotes; a quoted cell may hold commas and doubled quotes). */
	static List<String> csvCells(final String line, final Path file, final int lineNumber) {
		final List<String> cells = new ArrayList<>();
		final StringBuilder cell = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			final char c = line.charAt(i);
			if (quoted) {
				if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					cell.append('"');
					i++;
				}
				else if (c == '"') quoted = false;
				else cell.append(c);
			}
			else if (c == '"') quoted = true;
			else if (c == ',') {
				cells.add(cell.toString());
				cell.setLength(0);
			}
			else cell.append(c);
		}
		if (quoted) throw new ZoomCamException("manifest " + file + " line " + lineNumber + " has an unclosed quote");
		cells.add(cell.toString());
		return cells;
	}

	private static int firstGlobCharacter(final String text) {
		for (int i = 0; i < text.length(); i++) {
			if ("*?[{".indexOf(text.charAt(i)) >= 0) return i;
		}
		return -1;
	}

	private static Path absolute(final Path p) {
		return p.toAbsolutePath().normalize();
	}
}
