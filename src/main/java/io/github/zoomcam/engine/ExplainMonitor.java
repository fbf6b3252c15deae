package io.github.zoomcam.engine;

/**
 * Progress and cancellation of one explain call, for front ends (a Fiji status bar, the command line).
 * Called on the thread that runs the engine, between network passes; implementations must return quickly.
 */
public interface ExplainMonitor {

	/** A monitor that reports nothing and never cancels. */
	ExplainMonitor NONE = new ExplainMonitor() {

		@Override
		public void progress(final int done, final int total, final String what) {
			// nothing to report
		}

		@Override
		public boolean cancelled() {
			return false;
		}
	};

	/**
	 * @param done units of work finished so far
	 * @param total units of work of this phase
	 * @param what the phase, e.g. "score-cam masked forwards"
	 */
	void progress(int done, int total, String what);

	/** Polled between network passes; true makes the engine stop with {@link CancelledException}. */
	boolean cancelled();
}
