/**
 * Pseudo-labels and their evaluation, in plain Java: arrays in, immutable records out.
 *
 * <p>Conventions shared by every class here:
 * <ul>
 * <li>Images and maps are row-major arrays, index = y * width + x.</li>
 * <li>A map pixel is foreground when {@code value >= threshold} <em>and</em> {@code value > 0}: a zero
 * pixel carries no evidence for the class, so an all-zero map has no foreground at any threshold,
 * including 0 (this matches the strict {@code > 0} of cv2 binary thresholding at threshold 0 used by
 * the MaxBoxAccV2 reference code).</li>
 * <li>Connected components use 8-connectivity; labels are 1..n in the raster order of each component's
 * first pixel, 0 is background.</li>
 * <li>{@link io.github.zoomcam.labels.Box} is an inclusive pixel extent: a box covering columns
 * x0..x1 has width x1 - x0 + 1, and area = width * height.</li>
 * <li>Label images use 0 for background, classIndex + 1 for a class, and 255 for "ignore" in ground
 * truth (PASCAL VOC).</li>
 * <li>Bad input throws {@link io.github.zoomcam.core.ZoomCamException} with a one-line message.</li>
 * </ul>
 */
package io.github.zoomcam.labels;
