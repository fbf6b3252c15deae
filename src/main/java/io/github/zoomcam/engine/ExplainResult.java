package io.github.zoomcam.engine;

import java.util.List;

/**
 * The result of one batch.
 *
 * @param images one entry per input image, in input order
 * @param runtime engine, version, flavor and device that ran
 * @param timings phase timings of the whole batch
 */
public record ExplainResult(List<ImageExplanation> images, RuntimeInfo runtime, Timings timings) {

	public ExplainResult {
		images = List.copyOf(images);
	}
}
