package io.github.zoomcam.synth;

/**
 * One object instance as it ended up visible in the image: parts hidden by objects drawn later do not count.
 * The box is the tight, inclusive pixel extent of the instance's pixels in the instance-id image.
 *
 * @param id the instance's value in the instance-id image, 1..n
 * @param x leftmost pixel column
 * @param y topmost pixel row
 * @param width maxX - x + 1
 * @param height maxY - y + 1
 * @param areaPx number of pixels with this id
 */
public record InstanceBox(int id, SynthClass synthClass, int x, int y, int width, int height, int areaPx) {

	public int maxX() {
		return x + width - 1;
	}

	public int maxY() {
		return y + height - 1;
	}

	/** The larger side of the box: the object's extent "across". */
	public int extent() {
		return Math.max(width, height);
	}
}
