package io.github.zoomcam.labels;

/**
 * The pseudo-label of one class in one image.
 *
 * @param classIndex 0-based class index
 * @param className class name
 * @param score the classifier's probability for the class
 * @param label kept components, their boxes and the binary mask
 */
public record ClassAnnotation(int classIndex, String className, float score, PseudoLabel label) {}
