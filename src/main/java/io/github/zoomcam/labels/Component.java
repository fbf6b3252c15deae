package io.github.zoomcam.labels;

/**
 * One 8-connected component: its label (1..n, raster order of first pixel), pixel count, bounding box
 * (inclusive extent), and the sum and maximum of the map values under it. Components of a plain mask
 * use the value 1 for every foreground pixel, so their sum equals their area.
 */
public record Component(int label, int area, Box box, double sumValue, float maxValue) {

	/** Mean map value over the component's pixels: sumValue / area. */
	public double meanValue() {
		return sumValue / area;
	}
}
