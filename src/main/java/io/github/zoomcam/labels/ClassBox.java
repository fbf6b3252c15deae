package io.github.zoomcam.labels;

/**
 * A box with its class, for instance matching: a ground-truth instance or a predicted one.
 *
 * @param classIndex 0-based class index
 * @param box the instance's bounding box (inclusive pixel extent)
 * @param area the instance's pixel count (not the box's), which decides whether it is small
 */
public record ClassBox(int classIndex, Box box, int area) {

	/** A predicted instance as a class box. */
	public static ClassBox of(final Instance instance) {
		return new ClassBox(instance.classIndex(), instance.box(), instance.area());
	}
}
