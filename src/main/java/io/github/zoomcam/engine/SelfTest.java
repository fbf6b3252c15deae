package io.github.zoomcam.engine;

/**
 * Outcome of running the bundle's test input at load time.
 *
 * @param performed false when the bundle carries no test input
 * @param maxAbsDifference largest |logit - expected logit|
 * @param tolerance the allowed difference
 */
public record SelfTest(boolean performed, double maxAbsDifference, double tolerance) {

	public boolean passed() {
		return !performed || maxAbsDifference <= tolerance;
	}

	@Override
	public String toString() {
		if (!performed) return "not performed (the bundle has no test input)";
		return String.format(java.util.Locale.ROOT, "%s (max |logit difference| %.3g, tolerance %.3g)",
			passed() ? "passed" : "FAILED", maxAbsDifference, tolerance);
	}
}
