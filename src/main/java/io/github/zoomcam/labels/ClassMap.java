package io.github.zoomcam.labels;

/**
 * The normalised explanation map of one class in one image, as handed to the {@link Annotator}.
 *
 * @param classIndex 0-based class index in the model's class list
 * @param className the class name, used to name ROIs and table rows
 * @param score the classifier's probability for the class
 * @param map row-major values, width * height, normally in [0, 1]
 */
public record ClassMap(int classIndex, String className, float score, float[] map) {}
