package io.github.zoomcam.cli;

import io.github.zoomcam.engine.ExplainMonitor;

import java.io.PrintStream;

/** Command-line side of long explain calls. */
final class MethodOutputs {

	private MethodOutputs() {}

	/** Score-CAM progress on stderr, at most every 10 seconds; the command line never cancels. */
	static final class Progress implements ExplainMonitor {

		private final PrintStream err;
		private long last = System.nanoTime();

		Progress(final PrintStream err) {
			this.err = err;
		}

		@Override
		public void progress(final int done, final int total, final String what) {
			if (done < total && System.nanoTime() - last > 10_000_000_000L) {
				err.println("  " + what + ": " + done + "/" + total);
				last = System.nanoTime();
			}
		}

		@Override
		public boolean cancelled() {
			return false;
		}
	}
}
