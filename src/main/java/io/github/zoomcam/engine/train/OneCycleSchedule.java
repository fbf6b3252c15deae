package io.github.zoomcam.engine.train;

import ai.djl.training.tracker.Tracker;

/**
 * The learning rate of PyTorch's OneCycleLR with its defaults (the schedule of tools/train_demo_model.py):
 * a cosine rise from peak/25 to the peak over the first 30% of the steps, then a cosine fall to peak/25/10^4.
 * (PyTorch also cycles Adam's beta1 between 0.85 and 0.95; DJL's Adam keeps it at 0.9.)
 */
final class OneCycleSchedule implements Tracker {

	private static final double RISE = 0.3;
	private static final double START_DIVISOR = 25;
	private static final double END_DIVISOR = 1e4;

	private final double peak;
	private final int totalSteps;

	OneCycleSchedule(final double peak, final int totalSteps) {
		this.peak = peak;
		this.totalSteps = Math.max(2, totalSteps);
	}

	/** @param numUpdate 1 for the first optimisation step (DJL's count) */
	@Override
	public float getNewValue(final int numUpdate) {
		return (float) rate(numUpdate - 1);
	}

	/** @param step 0-based */
	double rate(final int step) {
		final double start = peak / START_DIVISOR;
		final double end = start / END_DIVISOR;
		final double riseEnd = RISE * totalSteps - 1;
		final double last = totalSteps - 1;
		final int s = Math.min(step, totalSteps - 1);
		if (s <= riseEnd) return cosine(start, peak, riseEnd <= 0 ? 1 : s / riseEnd);
		return cosine(peak, end, (s - riseEnd) / (last - riseEnd));
	}

	private static double cosine(final double from, final double to, final double fraction) {
		return to + (from - to) / 2 * (Math.cos(Math.PI * fraction) + 1);
	}
}
