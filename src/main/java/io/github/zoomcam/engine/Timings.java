package io.github.zoomcam.engine;

/**
 * Wall-clock milliseconds of one engine call, by phase. On a GPU the phases before the final host copy
 * run asynchronously, so only the total is exact there.
 */
public record Timings(double preprocessMs, double forwardMs, double backwardMs, double camMs, double copyMs,
	double totalMs)
{}
