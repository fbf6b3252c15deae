package io.github.zoomcam.labels;

import java.util.List;

/**
 * The objects found in an image by {@link ImageGuidedLabeler#foreground}, before any class is given to them.
 * Two nested partitions of the foreground pixels: objects (what an instance may span) and, within them,
 * basins (what gets its own class evidence and its own edge).
 *
 * @param width image width
 * @param height image height
 * @param objects row-major, 0 = background, 1..{@code objectCount} = the object owning the pixel: an
 *        8-connected blob of the detected foreground, or a watershed segment of one
 * @param objectCount number of objects
 * @param basins row-major, 0 = background, 1..{@code basinCount}: the intensity basin owning the pixel;
 *        every basin lies within one object (without basin division, basins are the objects)
 * @param basinCount number of basins
 * @param darkOnBright whether the image was treated as dark objects on a bright background
 * @param background the background level of the processed image (its median)
 * @param noise the robust standard deviation of the background of the processed image
 * @param cut the detection cut applied to the processed image: the larger of the automatic threshold and
 *        the noise floor (NaN for a flat image)
 * @param warnings one-line notes (e.g. a flat image); empty when all went well
 */
public record Foreground(int width, int height, int[] objects, int objectCount, int[] basins, int basinCount,
	boolean darkOnBright, double background, double noise, double cut, List<String> warnings)
{

	public Foreground {
		Maps.requireSize("object image", objects.length, width, height);
		Maps.requireSize("basin image", basins.length, width, height);
		objects = objects.clone();
		basins = basins.clone();
		warnings = List.copyOf(warnings);
	}

	@Override
	public int[] objects() {
		return objects.clone();
	}

	@Override
	public int[] basins() {
		return basins.clone();
	}

	/** The arrays without a copy, for this package's own passes. */
	int[] objectsShared() {
		return objects;
	}

	int[] basinsShared() {
		return basins;
	}

	/** Whether no foreground was found. */
	public boolean isEmpty() {
		return objectCount == 0;
	}

	static Foreground empty(final int width, final int height, final boolean darkOnBright, final double background,
		final double noise, final double cut, final List<String> warnings)
	{
		return new Foreground(width, height, new int[width * height], 0, new int[width * height], 0, darkOnBright,
			background, noise, cut, warnings);
	}
}
