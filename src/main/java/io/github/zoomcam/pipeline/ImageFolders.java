package io.github.zoomcam.pipeline;

import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Lists the image files of a folder the way every batch entry point does. */
public final class ImageFolders {

	/** The formats ImageJ and Bio-Formats read that microscopy folders most often hold. */
	public static final String DEFAULT_PATTERN = "*.tif;*.tiff;*.png;*.jpg;*.jpeg";

	private ImageFolders() {}

	/**
	 * Regular, non-hidden files whose name matches one of the ';'-separated glob patterns (case ignored), in
	 * path order; with {@code recursive}, sub-folders too, except {@code exclude} (the output folder).
	 */
	public static List<Path> list(final Path folder, final String patterns, final boolean recursive,
		final Path exclude)
	{
		if (!Files.isDirectory(folder)) throw new ZoomCamException("image folder " + folder + " does not exist");
		final List<PathMatcher> matchers = Arrays.stream((patterns == null ? "" : patterns).split("[;\\s]+")).map(
			String::trim).filter(p -> !p.isEmpty()).map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p
				.toLowerCase(Locale.ROOT))).toList();
		if (matchers.isEmpty()) throw new ZoomCamException("empty file pattern; use e.g. *.tif or *.tif;*.png");
		final Path excluded = exclude == null ? null : exclude.toAbsolutePath().normalize();
		try (Stream<Path> walk = Files.walk(folder, recursive ? Integer.MAX_VALUE : 1)) {
			return walk.filter(Files::isRegularFile).filter(p -> excluded == null || !p.toAbsolutePath().normalize()
				.startsWith(excluded)).filter(p -> {
					final Path relative = folder.relativize(p);
					for (final Path part : relative) {
						if (part.toString().startsWith(".")) return false;
					}
					final Path lower = Path.of(p.getFileName().toString().toLowerCase(Locale.ROOT));
					return matchers.stream().anyMatch(m -> m.matches(lower));
				}).sorted().toList();
		}
		catch (final IOException | RuntimeException e) {
			throw new ZoomCamException("cannot list " + folder + ": " + e.getMessage());
		}
	}
}
