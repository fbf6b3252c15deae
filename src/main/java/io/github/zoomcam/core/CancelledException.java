package io.github.zoomcam.core;

/** The explain call was cancelled through its {@link ExplainMonitor}; no partial results are returned. */
public class CancelledException extends ZoomCamException {

	private static final long serialVersionUID = 1L;

	public CancelledException(final String message) {
		super(message);
	}
}
