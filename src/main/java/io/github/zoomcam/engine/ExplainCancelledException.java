package io.github.zoomcam.engine;

/** The explain call was cancelled through its {@link ExplainMonitor}; no partial results are returned. */
public class ExplainCancelledException extends ZoomCamException {

	private static final long serialVersionUID = 1L;

	public ExplainCancelledException(final String message) {
		super(message);
	}
}
