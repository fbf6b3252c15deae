package io.github.zoomcam.core;

/**
 * A problem the user can act on. The message is one line that says what was wrong and what to do;
 * front ends print it as it is, without a stack trace.
 */
public class ZoomCamException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ZoomCamException(final String message) {
		super(message);
	}

	public ZoomCamException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
