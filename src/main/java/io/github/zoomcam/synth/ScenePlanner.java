package io.github.zoomcam.synth;

import io.github.zoomcam.synth.Shapes.Annulus;
import io.github.zoomcam.synth.Shapes.Capsule;
import io.github.zoomcam.synth.Shapes.DotCluster;
import io.github.zoomcam.synth.Shapes.Ellipse;
import io.github.zoomcam.synth.Shapes.Fibre;
import io.github.zoomcam.synth.Shapes.Shape;
import io.github.zoomcam.synth.Shapes.Speck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Decides what is in one image: which classes, how many instances, their shapes, sizes, brightness, tints and
 * positions, plus unlabelled debris. Uses only its own random stream, and draws channel tints even for grey
 * images, so the ground truth of an image does not depend on the channel count or bit depth.
 */
final class ScenePlanner {

	/** Probability of 0, 1, 2 and 3 classes in an image: each class is in about 44% of the images. */
	private static final double[] CLASS_COUNT_PROBABILITIES = {0.10, 0.30, 0.35, 0.25};
	static final int MAX_INSTANCES_PER_CLASS = 6;
	private static final int PLACEMENT_ATTEMPTS = 40;
	/** Gap between bounding circles: positive keeps objects apart, negative lets them touch or graze. */
	private static final double APART_GAP = 2;
	private static final double TOUCHING_GAP = -1.5;
	private static final double TOUCHING_PROBABILITY = 0.13;
	private static final double ANYWHERE_PROBABILITY = 0.12;
	private static final double[] FIBRE_COUNT_PROBABILITIES = {0.5, 0.3, 0.2};
	private static final int MAX_SPECKS = 8;

	/**
	 * Moderate per-class channel tints for 3-channel images (red, green, blue). Every class reaches every channel,
	 * and each instance varies by up to 20%, so colour helps a little but cannot replace shape and texture.
	 */
	private static final double[][] CLASS_TINTS = {
		{0.55, 0.75, 1.00}, // nucleus
		{0.65, 1.00, 0.65}, // rod
		{1.00, 0.70, 0.75}, // ring
		{1.00, 0.90, 0.55}, // puncta
	};

	/**
	 * Something to paint.
	 *
	 * @param synthClass null for debris
	 * @param tint per-channel factor (3 entries; grey images ignore it)
	 */
	record Placed(SynthClass synthClass, Shape shape, double centreX, double centreY, double brightness,
		double[] tint)
	{}

	/**
	 * @param objects labelled objects in drawing order (later ones cover earlier ones)
	 * @param debris unlabelled, drawn first
	 */
	record Scene(List<Placed> objects, List<Placed> debris) {}

	private enum Spacing {
		APART, TOUCHING, ANYWHERE
	}

	private record Candidate(SynthClass synthClass, Shape shape, double brightness, double[] tint,
		Spacing spacing)
	{}

	private ScenePlanner() {}

	static Scene plan(final SeededRandom random, final int width, final int height, final SceneKind kind) {
		return kind == SceneKind.CROWDED ? planCrowded(random, width, height) : plan(random, width, height);
	}

	static Scene plan(final SeededRandom random, final int width, final int height) {
		final int[] classOrder = {0, 1, 2, 3};
		random.shuffle(classOrder);
		final int classCount = random.pick(CLASS_COUNT_PROBABILITIES);
		final List<Candidate> candidates = new ArrayList<>();
		for (int k = 0; k < classCount; k++) {
			final SynthClass synthClass = SynthClass.values()[classOrder[k]];
			final int instances = random.between(1, MAX_INSTANCES_PER_CLASS);
			for (int i = 0; i < instances; i++) {
				candidates.add(candidate(random, synthClass));
			}
		}
		final List<Placed> objects = place(random, candidates, width, height);
		final List<Placed> debris = debris(random, width, height);
		return new Scene(objects, debris);
	}

	private static Candidate candidate(final SeededRandom random, final SynthClass synthClass) {
		final Shape shape;
		final double brightness;
		switch (synthClass) {
			case NUCLEUS -> {
				shape = new Ellipse(random, random.logUniform(6, 60), random.uniform(1, 1.6));
				brightness = random.uniform(0.35, 0.7);
			}
			case ROD -> {
				final double width = random.uniform(2.5, 7);
				shape = new Capsule(random, random.logUniform(Math.max(7, 2.6 * width), 60), width);
				brightness = random.uniform(0.45, 0.85);
			}
			case RING -> {
				final double diameter = random.logUniform(10, 56);
				final double aspect = random.uniform(1, 1.25);
				final double minorRadius = diameter / 2 / aspect;
				// Thin enough that the dark centre stays at least 40% of the ring across.
				final double thickness = random.uniform(1.6, Math.max(1.6, Math.min(0.6 * minorRadius, Math.max(2,
					0.25 * minorRadius))));
				shape = new Annulus(random, diameter, aspect, thickness);
				brightness = random.uniform(0.5, 0.95);
			}
			case PUNCTA -> {
				final double clusterRadius = random.logUniform(3, 15);
				// Small clusters hold fewer dots, or the dots would merge into one blob.
				final int dots = random.between(3, Math.min(12, 3 + (int) (0.8 * clusterRadius)));
				shape = new DotCluster(random, clusterRadius, dots);
				// Above 1: the blur spreads a tiny dot's light, and puncta should still read as bright.
				brightness = random.uniform(0.8, 1.2);
			}
			default -> throw new IllegalStateException("unknown class " + synthClass);
		}
		final double[] tint = new double[3];
		for (int c = 0; c < 3; c++) {
			tint[c] = CLASS_TINTS[synthClass.index()][c] * random.uniform(0.8, 1.2);
		}
		final double u = random.uniform();
		final Spacing spacing = u < ANYWHERE_PROBABILITY ? Spacing.ANYWHERE : u < ANYWHERE_PROBABILITY +
			TOUCHING_PROBABILITY ? Spacing.TOUCHING : Spacing.APART;
		return new Candidate(synthClass, shape, brightness, tint, spacing);
	}

	/**
	 * Largest first, so big objects still find room; an object that finds none is dropped unless its class would
	 * otherwise be missing, then it goes anywhere (the image-level labels were chosen before the layout).
	 * Objects lie wholly inside the image, so no label rests on a sliver at the border.
	 */
	private static List<Placed> place(final SeededRandom random, final List<Candidate> candidates, final int width,
		final int height)
	{
		final List<Candidate> bySize = new ArrayList<>(candidates);
		bySize.sort(Comparator.comparingDouble((final Candidate c) -> c.shape().boundingRadius()).reversed());
		final List<Placed> placed = new ArrayList<>();
		final List<Candidate> leftOver = new ArrayList<>();
		for (final Candidate candidate : bySize) {
			final Placed spot = findSpot(random, candidate, placed, width, height);
			if (spot != null) placed.add(spot);
			else leftOver.add(candidate);
		}
		for (final Candidate candidate : leftOver) {
			final boolean classMissing = placed.stream().noneMatch(p -> p.synthClass() == candidate.synthClass());
			if (classMissing) placed.add(at(candidate, random, width, height));
		}
		// Mostly large under small, so small objects are seldom hidden, with some shuffling so that any class
		// can end up on top of any other.
		final double[] drawKey = new double[placed.size()];
		for (int i = 0; i < drawKey.length; i++) {
			drawKey[i] = StrictMath.log(placed.get(i).shape().boundingRadius()) + 0.4 * random.gaussian();
		}
		final Integer[] order = new Integer[placed.size()];
		for (int i = 0; i < order.length; i++) order[i] = i;
		Arrays.sort(order, Comparator.comparingDouble((final Integer i) -> drawKey[i]).reversed());
		final List<Placed> drawOrder = new ArrayList<>(placed.size());
		for (final Integer i : order) drawOrder.add(placed.get(i));
		return drawOrder;
	}

	private static Placed findSpot(final SeededRandom random, final Candidate candidate, final List<Placed> placed,
		final int width, final int height)
	{
		if (candidate.spacing() == Spacing.ANYWHERE) return at(candidate, random, width, height);
		final double gap = candidate.spacing() == Spacing.TOUCHING ? TOUCHING_GAP : APART_GAP;
		final double radius = candidate.shape().boundingRadius();
		for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
			final Placed spot = at(candidate, random, width, height);
			boolean clear = true;
			for (final Placed other : placed) {
				final double distance = StrictMath.hypot(spot.centreX() - other.centreX(), spot.centreY() - other
					.centreY());
				if (distance < radius + other.shape().boundingRadius() + gap) {
					clear = false;
					break;
				}
			}
			if (clear) return spot;
		}
		return null;
	}

	private static Placed at(final Candidate candidate, final SeededRandom random, final int width,
		final int height)
	{
		final double margin = candidate.shape().boundingRadius() + 1;
		final double x = random.uniform(margin, width - 1 - margin);
		final double y = random.uniform(margin, height - 1 - margin);
		return new Placed(candidate.synthClass(), candidate.shape(), x, y, candidate.brightness(), candidate.tint());
	}

	/** Faint specks and fibres anywhere, even across the border: they must not be mistaken for labels. */
	private static List<Placed> debris(final SeededRandom random, final int width, final int height) {
		final List<Placed> debris = new ArrayList<>();
		final int specks = random.between(0, MAX_SPECKS);
		final int fibres = random.pick(FIBRE_COUNT_PROBABILITIES);
		for (int i = 0; i < specks + fibres; i++) {
			final Shape shape = i < specks ? new Speck(random, random.uniform(0.8, 3.5)) : new Fibre(random, random
				.uniform(20, 110), random.uniform(0.8, 1.6));
			final double[] tint = {random.uniform(0.6, 1), random.uniform(0.6, 1), random.uniform(0.6, 1)};
			debris.add(new Placed(null, shape, random.uniform(0, width - 1), random.uniform(0, height - 1), random
				.uniform(0.08, 0.3), tint));
		}
		return debris;
	}

	// Crowded scenes. Their own code path and draws, so sparse scenes stay exactly as they were.

	/** Probability of 0..4 classes in a crowded image: mostly several classes that can meet. */
	private static final double[] CROWDED_CLASS_COUNT_PROBABILITIES = {0.03, 0.17, 0.35, 0.30, 0.15};
	private static final int CROWDED_MIN_INSTANCES = 3;
	private static final int CROWDED_MAX_INSTANCES = 8;
	/** Share of objects placed against an already placed one, and of objects placed with no check at all. */
	private static final double CROWDED_NEIGHBOUR_PROBABILITY = 0.55;
	private static final double CROWDED_ANYWHERE_PROBABILITY = 0.15;
	/** Centre distance to the neighbour as a fraction of the summed bounding radii: overlapping to grazing. */
	private static final double CROWDED_MIN_CONTACT = 0.55;
	private static final double CROWDED_MAX_CONTACT = 1.0;
	/** Other objects may come this close (fraction of the summed radii), so piles form but rarely bury. */
	private static final double CROWDED_MIN_SEPARATION = 0.6;
	private static final double CROWDED_DIM_PROBABILITY = 0.25;
	private static final int CROWDED_MAX_SPECKS = 14;
	private static final double[] CROWDED_FIBRE_COUNT_PROBABILITIES = {0.3, 0.3, 0.25, 0.15};

	/**
	 * More classes and instances than sparse scenes, most objects pushed against another (often of another
	 * class), some left where they fall over others, and a quarter dimmed to 40-65% of their brightness.
	 */
	private static Scene planCrowded(final SeededRandom random, final int width, final int height) {
		final int[] classOrder = {0, 1, 2, 3};
		random.shuffle(classOrder);
		final int classCount = random.pick(CROWDED_CLASS_COUNT_PROBABILITIES);
		final List<Candidate> candidates = new ArrayList<>();
		for (int k = 0; k < classCount; k++) {
			final SynthClass synthClass = SynthClass.values()[classOrder[k]];
			final int instances = random.between(CROWDED_MIN_INSTANCES, CROWDED_MAX_INSTANCES);
			for (int i = 0; i < instances; i++) {
				final Candidate drawn = candidate(random, synthClass);
				final double dimming = random.chance(CROWDED_DIM_PROBABILITY) ? random.uniform(0.4, 0.65) : 1;
				candidates.add(new Candidate(drawn.synthClass(), drawn.shape(), drawn.brightness() * dimming,
					drawn.tint(), drawn.spacing()));
			}
		}
		// Interleave the classes, so that neighbours are often of another class.
		random.shuffleList(candidates);
		final List<Placed> placed = new ArrayList<>();
		final List<Candidate> leftOver = new ArrayList<>();
		for (final Candidate candidate : candidates) {
			final Placed spot = crowdedSpot(random, candidate, placed, width, height);
			if (spot != null) placed.add(spot);
			else leftOver.add(candidate);
		}
		for (final Candidate candidate : leftOver) {
			final boolean classMissing = placed.stream().noneMatch(p -> p.synthClass() == candidate.synthClass());
			if (classMissing) placed.add(at(candidate, random, width, height));
		}
		final double[] drawKey = new double[placed.size()];
		for (int i = 0; i < drawKey.length; i++) {
			drawKey[i] = StrictMath.log(placed.get(i).shape().boundingRadius()) + 0.6 * random.gaussian();
		}
		final Integer[] order = new Integer[placed.size()];
		for (int i = 0; i < order.length; i++) order[i] = i;
		Arrays.sort(order, Comparator.comparingDouble((final Integer i) -> drawKey[i]).reversed());
		final List<Placed> drawOrder = new ArrayList<>(placed.size());
		for (final Integer i : order) drawOrder.add(placed.get(i));
		final List<Placed> debris = new ArrayList<>();
		final int specks = random.between(0, CROWDED_MAX_SPECKS);
		final int fibres = random.pick(CROWDED_FIBRE_COUNT_PROBABILITIES);
		for (int i = 0; i < specks + fibres; i++) {
			final Shape shape = i < specks ? new Speck(random, random.uniform(0.8, 3.5)) : new Fibre(random, random
				.uniform(20, 110), random.uniform(0.8, 1.6));
			final double[] tint = {random.uniform(0.6, 1), random.uniform(0.6, 1), random.uniform(0.6, 1)};
			debris.add(new Placed(null, shape, random.uniform(0, width - 1), random.uniform(0, height - 1), random
				.uniform(0.08, 0.35), tint));
		}
		return new Scene(drawOrder, debris);
	}

	private static Placed crowdedSpot(final SeededRandom random, final Candidate candidate, final List<Placed> placed,
		final int width, final int height)
	{
		final double u = random.uniform();
		if (placed.isEmpty() || u < CROWDED_ANYWHERE_PROBABILITY) return at(candidate, random, width, height);
		final boolean againstNeighbour = u < CROWDED_ANYWHERE_PROBABILITY + CROWDED_NEIGHBOUR_PROBABILITY;
		final double radius = candidate.shape().boundingRadius();
		for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
			final Placed spot;
			Placed neighbour = null;
			if (againstNeighbour) {
				neighbour = placed.get(random.below(placed.size()));
				final double distance = (radius + neighbour.shape().boundingRadius()) * random.uniform(
					CROWDED_MIN_CONTACT, CROWDED_MAX_CONTACT);
				final double direction = random.angle();
				final double x = neighbour.centreX() + distance * StrictMath.cos(direction);
				final double y = neighbour.centreY() + distance * StrictMath.sin(direction);
				final double margin = radius + 1;
				if (x < margin || x > width - 1 - margin || y < margin || y > height - 1 - margin) continue;
				spot = new Placed(candidate.synthClass(), candidate.shape(), x, y, candidate.brightness(), candidate
					.tint());
			}
			else {
				spot = at(candidate, random, width, height);
			}
			boolean clear = true;
			for (final Placed other : placed) {
				if (other == neighbour) continue;
				final double distance = StrictMath.hypot(spot.centreX() - other.centreX(), spot.centreY() - other
					.centreY());
				final double limit = againstNeighbour ? CROWDED_MIN_SEPARATION * (radius + other.shape()
					.boundingRadius()) : radius + other.shape().boundingRadius() + APART_GAP;
				if (distance < limit) {
					clear = false;
					break;
				}
			}
			if (clear) return spot;
		}
		return null;
	}
}
