package io.github.zoomcam.spark;

import java.io.Serializable;

/**
 * What the driver sends for one image: a few strings, never pixels. Executors open the file themselves
 * (from a filesystem every executor sees) and write its result folder under the shared output folder.
 *
 * @param index position in the job's input list (the summary's row order)
 * @param path absolute path of the image file
 * @param folder its result folder's name, chosen over the whole input list (as one ./zoomcam explain run
 *        over the same list would choose it)
 * @param labels image-level labels from the manifest, ';'-separated (empty when none were given)
 */
public record ImageTask(int index, String path, String folder, String labels) implements Serializable {

	private static final long serialVersionUID = 1L;

	public ImageTask {
		labels = labels == null ? "" : labels;
	}
}
