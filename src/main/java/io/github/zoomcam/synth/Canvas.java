package io.github.zoomcam.synth;

import io.github.zoomcam.synth.ScenePlanner.Placed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The noise-free emission of a scene and which object owns each pixel. Objects are painted in order with their
 * edge coverage as opacity, so a later object hides what is under it both in the emission and in the ownership:
 * the ground truth describes exactly what is visible.
 */
final class Canvas {

	private static final int NO_OWNER = -1;

	private final int width;
	private final int height;
	private final float[][] emission;
	private final int[] owner;

	Canvas(final int width, final int height, final int channels) {
		this.width = width;
		this.height = height;
		emission = new float[channels][width * height];
		owner = new int[width * height];
		Arrays.fill(owner, NO_OWNER);
	}

	float[][] emission() {
		return emission;
	}

	/** Debris: painted like an object but owned by nobody. */
	void paintDebris(final Placed debris) {
		paint(debris, NO_OWNER);
	}

	void paintObject(final Placed object, final int objectIndex) {
		paint(object, objectIndex);
	}

	private void paint(final Placed object, final int ownerIndex) {
		final double cx = object.centreX();
		final double cy = object.centreY();
		final double reach = object.shape().boundingRadius() + 1;
		final int x0 = Math.max(0, (int) Math.floor(cx - reach));
		final int x1 = Math.min(width - 1, (int) Math.ceil(cx + reach));
		final int y0 = Math.max(0, (int) Math.floor(cy - reach));
		final int y1 = Math.min(height - 1, (int) Math.ceil(cy + reach));
		final int channels = emission.length;
		final double[] channelBrightness = new double[channels];
		for (int c = 0; c < channels; c++) {
			channelBrightness[c] = object.brightness() * (channels == 1 ? 1 : object.tint()[c]);
		}
		for (int y = y0; y <= y1; y++) {
			final double v = y - cy;
			for (int x = x0; x <= x1; x++) {
				final double u = x - cx;
				final double distance = object.shape().signedDistance(u, v);
				if (distance >= 0.5) continue;
				final double coverage = Math.min(1, 0.5 - distance);
				final double texture = object.shape().texture(u, v);
				final int p = y * width + x;
				for (int c = 0; c < channels; c++) {
					emission[c][p] = (float) (emission[c][p] * (1 - coverage) + coverage * channelBrightness[c] *
						texture);
				}
				if (distance < 0 && ownerIndex != NO_OWNER) owner[p] = ownerIndex;
			}
		}
	}

	/** Label and instance images from the ownership; objects left with no visible pixel get no id. */
	Truth truth(final List<Placed> objects) {
		final int count = objects.size();
		final int[] area = new int[count];
		final int[] minX = new int[count];
		final int[] minY = new int[count];
		final int[] maxX = new int[count];
		final int[] maxY = new int[count];
		Arrays.fill(minX, Integer.MAX_VALUE);
		Arrays.fill(minY, Integer.MAX_VALUE);
		Arrays.fill(maxX, Integer.MIN_VALUE);
		Arrays.fill(maxY, Integer.MIN_VALUE);
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				final int o = owner[y * width + x];
				if (o == NO_OWNER) continue;
				area[o]++;
				minX[o] = Math.min(minX[o], x);
				minY[o] = Math.min(minY[o], y);
				maxX[o] = Math.max(maxX[o], x);
				maxY[o] = Math.max(maxY[o], y);
			}
		}
		final int[] idOf = new int[count];
		final List<InstanceBox> instances = new ArrayList<>();
		for (int o = 0; o < count; o++) {
			if (area[o] == 0) continue;
			idOf[o] = instances.size() + 1;
			instances.add(new InstanceBox(idOf[o], objects.get(o).synthClass(), minX[o], minY[o], maxX[o] - minX[o] +
				1, maxY[o] - minY[o] + 1, area[o]));
		}
		final int[] classLabels = new int[width * height];
		final int[] instanceIds = new int[width * height];
		for (int p = 0; p < owner.length; p++) {
			final int o = owner[p];
			if (o == NO_OWNER) continue;
			classLabels[p] = objects.get(o).synthClass().labelValue();
			instanceIds[p] = idOf[o];
		}
		return new Truth(classLabels, instanceIds, instances);
	}

	record Truth(int[] classLabels, int[] instanceIds, List<InstanceBox> instances) {}
}
