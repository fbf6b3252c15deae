package io.github.zoomcam.synth;

/**
 * Object outlines as signed distance functions in local coordinates (relative to the object's centre, in pixels).
 * A pixel belongs to an object exactly when its centre is inside (distance &lt; 0); the distance also gives the
 * anti-aliased coverage of edge pixels, so the outline in the image and in the ground truth is the same curve.
 */
final class Shapes {

	private Shapes() {}

	interface Shape {

		/** Negative inside; about the Euclidean distance to the outline near it. */
		double signedDistance(double u, double v);

		/** Relative emission (around 1) at a point inside: the object's texture. */
		double texture(double u, double v);

		/** Every inside point is within this distance of the centre. */
		double boundingRadius();
	}

	/**
	 * First-order distance to the ellipse (x/a)^2 + (y/b)^2 = 1: exact in sign, within a fraction of a pixel
	 * near the outline, which is all the edge anti-aliasing needs.
	 */
	static double ellipseDistance(final double x, final double y, final double a, final double b) {
		final double qx = x / a;
		final double qy = y / b;
		final double k = Math.sqrt(qx * qx + qy * qy);
		final double gx = x / (a * a);
		final double gy = y / (b * b);
		final double gradient = Math.sqrt(gx * gx + gy * gy);
		if (gradient < 1e-12) return -Math.min(a, b);
		return k * (k - 1) / gradient;
	}

	/** A smooth interior texture: a few long plane waves, the way chromatin varies across a nucleus. */
	static final class Ellipse implements Shape {

		private final double a;
		private final double b;
		private final double cos;
		private final double sin;
		private final double[] waveX;
		private final double[] waveY;
		private final double[] wavePhase;
		private final double[] waveAmplitude;

		Ellipse(final SeededRandom random, final double diameter, final double aspect) {
			a = diameter / 2;
			b = a / aspect;
			final double angle = random.angle();
			cos = StrictMath.cos(angle);
			sin = StrictMath.sin(angle);
			final int waves = 3;
			waveX = new double[waves];
			waveY = new double[waves];
			wavePhase = new double[waves];
			waveAmplitude = new double[waves];
			for (int i = 0; i < waves; i++) {
				final double wavelength = Math.max(3, diameter * random.uniform(0.45, 1.1));
				final double direction = random.angle();
				waveX[i] = 2 * Math.PI / wavelength * StrictMath.cos(direction);
				waveY[i] = 2 * Math.PI / wavelength * StrictMath.sin(direction);
				wavePhase[i] = random.angle();
				waveAmplitude[i] = random.uniform(0.04, 0.11);
			}
		}

		@Override
		public double signedDistance(final double u, final double v) {
			return ellipseDistance(u * cos + v * sin, -u * sin + v * cos, a, b);
		}

		@Override
		public double texture(final double u, final double v) {
			double t = 1;
			for (int i = 0; i < waveX.length; i++) {
				t += waveAmplitude[i] * StrictMath.cos(waveX[i] * u + waveY[i] * v + wavePhase[i]);
			}
			return t;
		}

		@Override
		public double boundingRadius() {
			return a;
		}
	}

	/** A segment of half-length {@code halfSegment} swept by a disc: brightest along the axis, like a stained rod. */
	static final class Capsule implements Shape {

		private final double halfSegment;
		private final double radius;
		private final double cos;
		private final double sin;

		Capsule(final SeededRandom random, final double length, final double width) {
			radius = width / 2;
			halfSegment = Math.max(0, length / 2 - radius);
			final double angle = random.angle();
			cos = StrictMath.cos(angle);
			sin = StrictMath.sin(angle);
		}

		private double axisDistance(final double u, final double v) {
			final double along = Math.max(0, Math.abs(u * cos + v * sin) - halfSegment);
			final double across = -u * sin + v * cos;
			return Math.sqrt(along * along + across * across);
		}

		@Override
		public double signedDistance(final double u, final double v) {
			return axisDistance(u, v) - radius;
		}

		@Override
		public double texture(final double u, final double v) {
			final double r = Math.min(1, axisDistance(u, v) / radius);
			return 0.8 + 0.2 * (1 - r * r);
		}

		@Override
		public double boundingRadius() {
			return halfSegment + radius;
		}
	}

	/** An elliptical annulus, brightest mid-rim and slightly brighter on one side. */
	static final class Annulus implements Shape {

		private final double a;
		private final double b;
		private final double thickness;
		private final double cos;
		private final double sin;
		private final double tiltX;
		private final double tiltY;

		Annulus(final SeededRandom random, final double diameter, final double aspect, final double thickness) {
			a = diameter / 2;
			b = a / aspect;
			this.thickness = thickness;
			final double angle = random.angle();
			cos = StrictMath.cos(angle);
			sin = StrictMath.sin(angle);
			final double tilt = random.angle();
			final double tiltStrength = random.uniform(0, 0.15) / a;
			tiltX = tiltStrength * StrictMath.cos(tilt);
			tiltY = tiltStrength * StrictMath.sin(tilt);
		}

		@Override
		public double signedDistance(final double u, final double v) {
			final double x = u * cos + v * sin;
			final double y = -u * sin + v * cos;
			return Math.max(ellipseDistance(x, y, a, b), -ellipseDistance(x, y, a - thickness, b - thickness));
		}

		@Override
		public double texture(final double u, final double v) {
			final double depth = -signedDistance(u, v);
			return (0.7 + 0.3 * Math.min(1, Math.max(0, 2 * depth / thickness))) * (1 + tiltX * u + tiltY * v);
		}

		@Override
		public double boundingRadius() {
			return a;
		}
	}

	/** A few small discs with Gaussian-peaked brightness, each its own brightness. */
	static final class DotCluster implements Shape {

		private final double[] dotU;
		private final double[] dotV;
		private final double[] dotRadius;
		private final double[] dotBrightness;
		private final double boundingRadius;

		DotCluster(final SeededRandom random, final double clusterRadius, final int dots) {
			dotU = new double[dots];
			dotV = new double[dots];
			dotRadius = new double[dots];
			dotBrightness = new double[dots];
			double reach = 0;
			for (int i = 0; i < dots; i++) {
				final double r = random.uniform(0.8, 1.5);
				// Keep dots apart where there is room, so a cluster reads as dots rather than one blob.
				double bestU = 0;
				double bestV = 0;
				double bestGap = Double.NEGATIVE_INFINITY;
				for (int attempt = 0; attempt < 8; attempt++) {
					final double radial = (clusterRadius - r) * Math.sqrt(random.uniform());
					final double direction = random.angle();
					final double u = radial * StrictMath.cos(direction);
					final double v = radial * StrictMath.sin(direction);
					double gap = Double.POSITIVE_INFINITY;
					for (int j = 0; j < i; j++) {
						gap = Math.min(gap, StrictMath.hypot(u - dotU[j], v - dotV[j]) - r - dotRadius[j]);
					}
					if (gap > bestGap) {
						bestGap = gap;
						bestU = u;
						bestV = v;
					}
					if (gap >= 1) break;
				}
				dotU[i] = bestU;
				dotV[i] = bestV;
				dotRadius[i] = r;
				dotBrightness[i] = random.uniform(0.7, 1.0);
				reach = Math.max(reach, Math.sqrt(bestU * bestU + bestV * bestV) + r);
			}
			boundingRadius = reach;
		}

		private int nearestDot(final double u, final double v) {
			int nearest = 0;
			double best = Double.POSITIVE_INFINITY;
			for (int i = 0; i < dotU.length; i++) {
				final double d = Math.sqrt((u - dotU[i]) * (u - dotU[i]) + (v - dotV[i]) * (v - dotV[i])) - dotRadius[i];
				if (d < best) {
					best = d;
					nearest = i;
				}
			}
			return nearest;
		}

		@Override
		public double signedDistance(final double u, final double v) {
			final int i = nearestDot(u, v);
			return Math.sqrt((u - dotU[i]) * (u - dotU[i]) + (v - dotV[i]) * (v - dotV[i])) - dotRadius[i];
		}

		@Override
		public double texture(final double u, final double v) {
			final int i = nearestDot(u, v);
			final double d2 = (u - dotU[i]) * (u - dotU[i]) + (v - dotV[i]) * (v - dotV[i]);
			return dotBrightness[i] * (0.6 + 0.4 * StrictMath.exp(-d2 / (dotRadius[i] * dotRadius[i])));
		}

		@Override
		public double boundingRadius() {
			return boundingRadius;
		}
	}

	/** Debris: a small blob with a wobbly outline. */
	static final class Speck implements Shape {

		private final double radius;
		private final double[] harmonicAmplitude;
		private final double[] harmonicPhase;

		Speck(final SeededRandom random, final double radius) {
			this.radius = radius;
			harmonicAmplitude = new double[3];
			harmonicPhase = new double[3];
			for (int i = 0; i < 3; i++) {
				harmonicAmplitude[i] = random.uniform(0, 0.25);
				harmonicPhase[i] = random.angle();
			}
		}

		@Override
		public double signedDistance(final double u, final double v) {
			final double theta = StrictMath.atan2(v, u);
			double r = radius;
			for (int i = 0; i < harmonicAmplitude.length; i++) {
				r += radius * harmonicAmplitude[i] * StrictMath.cos((i + 2) * theta + harmonicPhase[i]);
			}
			return Math.sqrt(u * u + v * v) - r;
		}

		@Override
		public double texture(final double u, final double v) {
			return 1;
		}

		@Override
		public double boundingRadius() {
			return radius * 1.8;
		}
	}

	/** Debris: a thin curved line (a quadratic Bezier as a polyline), centred on its midpoint. */
	static final class Fibre implements Shape {

		private static final int SEGMENTS = 12;

		private final double[] pointU = new double[SEGMENTS + 1];
		private final double[] pointV = new double[SEGMENTS + 1];
		private final double halfWidth;
		private final double boundingRadius;

		Fibre(final SeededRandom random, final double length, final double width) {
			halfWidth = width / 2;
			final double direction = random.angle();
			final double dx = StrictMath.cos(direction) * length / 2;
			final double dy = StrictMath.sin(direction) * length / 2;
			final double bend = random.uniform(-0.35, 0.35) * length;
			final double cx = -dy / (length / 2) * bend;
			final double cy = dx / (length / 2) * bend;
			double reach = 0;
			for (int i = 0; i <= SEGMENTS; i++) {
				final double t = (double) i / SEGMENTS;
				final double s = 1 - t;
				pointU[i] = s * s * -dx + 2 * s * t * cx + t * t * dx;
				pointV[i] = s * s * -dy + 2 * s * t * cy + t * t * dy;
				reach = Math.max(reach, StrictMath.hypot(pointU[i], pointV[i]));
			}
			boundingRadius = reach + halfWidth;
		}

		@Override
		public double signedDistance(final double u, final double v) {
			double best = Double.POSITIVE_INFINITY;
			for (int i = 0; i < SEGMENTS; i++) {
				final double ex = pointU[i + 1] - pointU[i];
				final double ey = pointV[i + 1] - pointV[i];
				final double wx = u - pointU[i];
				final double wy = v - pointV[i];
				final double t = Math.max(0, Math.min(1, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
				final double qx = wx - t * ex;
				final double qy = wy - t * ey;
				best = Math.min(best, qx * qx + qy * qy);
			}
			return Math.sqrt(best) - halfWidth;
		}

		@Override
		public double texture(final double u, final double v) {
			return 1;
		}

		@Override
		public double boundingRadius() {
			return boundingRadius;
		}
	}
}
