package io.github.zoomcam.engine.train;

import io.github.zoomcam.core.CancelledException;

/** Training was stopped before anything could be written (while the images were being read). */
public class TrainingCancelledException extends CancelledException {

	private static final long serialVersionUID = 1L;

	public TrainingCancelledException(final String message) {
		super(message);
	}
}
