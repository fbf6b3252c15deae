package io.github.zoomcam.spark;

import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The images this job has committed, one empty file per result folder name in a job-private folder beside
 * the results. A retried task asks it which of its images an earlier attempt already finished: those are
 * reported as explained (not as "skipped") and not redone, even with overwrite, so a retried task adds
 * neither work nor differences to the summary. The folder's name starts with the result store's temporary
 * prefix: the driver removes it when the job ends, and any later run on the folder removes a leftover.
 */
final class JobMarks {

	private final Path folder;

	JobMarks(final Path folder) {
		this.folder = folder;
	}

	/** Notes that this job committed the result folder {@code name}. */
	void mark(final String name) {
		try {
			Files.createDirectories(folder);
			Files.createFile(folder.resolve(name));
		}
		catch (final FileAlreadyExistsException e) {
			// an earlier attempt noted it already
		}
		catch (final IOException e) {
			throw new ZoomCamException("cannot note the finished image " + name + " in " + folder + " (" + e
				.getMessage() + "); check the output folder is writable");
		}
	}

	/** Whether an attempt of this job committed the result folder {@code name}. */
	boolean marked(final String name) {
		return Files.exists(folder.resolve(name));
	}
}
