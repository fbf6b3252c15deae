package io.github.zoomcam.synth;

import java.nio.file.Path;

/**
 * What {@link SyntheticDataset#write} produced.
 *
 * @param requested images asked for
 * @param written images in the data set (fewer than requested only when cancelled)
 * @param imagesWithClass per class index: images where the class has at least one visible pixel
 * @param instancesOfClass per class index: visible instances over all images
 * @param emptyImages images with no object of any class
 */
public record DatasetSummary(Path outDir, long seed, int requested, int written, boolean cancelled,
	int[] imagesWithClass, int[] instancesOfClass, int emptyImages)
{

	public boolean complete() {
		return !cancelled && written == requested;
	}
}
