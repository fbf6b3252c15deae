package io.github.zoomcam.engine.train;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A stratified split of images into training and validation: every class is present on both sides in about
 * the requested proportion. Single-label data are split class by class; multi-label data group by label
 * combination (rounding carried over from group to group, so rare combinations still reach validation), then
 * any class missing on one side borrows one image from the other.
 *
 * @param train indices of the training images, ascending
 * @param validation indices of the validation images, ascending
 */
public record ValidationSplit(int[] train, int[] validation) {

	public ValidationSplit {
		train = train.clone();
		validation = validation.clone();
	}

	@Override
	public int[] train() {
		return train.clone();
	}

	@Override
	public int[] validation() {
		return validation.clone();
	}

	/**
	 * @param targets 0/1 per image and class
	 * @throws ZoomCamException when a class has too few images to appear on both sides
	 */
	public static ValidationSplit stratified(final float[][] targets, final List<String> classes, final LabelKind kind,
		final double fraction, final long seed)
	{
		final int classCount = classes.size();
		final int[] positives = new int[classCount];
		for (final float[] t : targets) {
			for (int c = 0; c < classCount; c++) if (t[c] > 0.5f) positives[c]++;
		}
		for (int c = 0; c < classCount; c++) {
			if (positives[c] < 2) {
				throw new ZoomCamException("too little data for the validation split: class '" + classes.get(c) +
					"' has " + positives[c] + " readable image(s), and training and validation need at least one each; " +
					"add images of '" + classes.get(c) + "' (10 or more is better)");
			}
		}
		final Random random = new Random(seed);
		final Map<String, List<Integer>> groups = new TreeMap<>();
		for (int n = 0; n < targets.length; n++) groups.computeIfAbsent(key(targets[n]), k -> new ArrayList<>()).add(n);
		final boolean[] inValidation = new boolean[targets.length];
		if (kind == LabelKind.SINGLE_LABEL) {
			for (final List<Integer> members : groups.values()) {
				Collections.shuffle(members, random);
				final int take = Math.min(members.size() - 1, Math.max(1, (int) Math.round(fraction * members.size())));
				for (int i = 0; i < take; i++) inValidation[members.get(i)] = true;
			}
		}
		else {
			double wanted = 0;
			int taken = 0;
			for (final List<Integer> members : groups.values()) {
				Collections.shuffle(members, random);
				wanted += fraction * members.size();
				final int take = Math.min(members.size(), Math.max(0, (int) Math.floor(wanted + 0.5) - taken));
				for (int i = 0; i < take; i++) inValidation[members.get(i)] = true;
				taken += take;
			}
			for (int c = 0; c < classCount; c++) {
				balance(targets, c, inValidation, true, random);
				balance(targets, c, inValidation, false, random);
			}
		}
		final int[] validation = indices(inValidation, true);
		final int[] train = indices(inValidation, false);
		if (validation.length == 0 || train.length == 0) {
			throw new ZoomCamException("too little data for the validation split: " + targets.length +
				" readable image(s); add images or change --val-fraction");
		}
		return new ValidationSplit(train, validation);
	}

	/** Moves one image of class c to the side that lacks it (its other side has at least two). */
	private static void balance(final float[][] targets, final int c, final boolean[] inValidation,
		final boolean toValidation, final Random random)
	{
		final List<Integer> here = new ArrayList<>();
		int there = 0;
		for (int n = 0; n < targets.length; n++) {
			if (targets[n][c] <= 0.5f) continue;
			if (inValidation[n] == toValidation) there++;
			else here.add(n);
		}
		if (there > 0 || here.size() < 2) return;
		// Prefer an image with the fewest other classes, so that moving it disturbs the others least.
		here.sort((a, b) -> Integer.compare(count(targets[a]), count(targets[b])));
		final int fewest = count(targets[here.get(0)]);
		final List<Integer> candidates = here.stream().filter(n -> count(targets[n]) == fewest).toList();
		inValidation[candidates.get(random.nextInt(candidates.size()))] = toValidation;
	}

	private static int count(final float[] target) {
		int k = 0;
		for (final float v : target) if (v > 0.5f) k++;
		return k;
	}

	private static String key(final float[] target) {
		final char[] k = new char[target.length];
		for (int c = 0; c < target.length; c++) k[c] = target[c] > 0.5f ? '1' : '0';
		return new String(k);
	}

	private static int[] indices(final boolean[] flags, final boolean value) {
		return java.util.stream.IntStream.range(0, flags.length).filter(i -> flags[i] == value).toArray();
	}

	/** Images per class on each side, for the training record: {train, validation} per class. */
	public int[][] countsPerClass(final float[][] targets, final int classCount) {
		final int[][] counts = new int[classCount][2];
		for (final int n : train) for (int c = 0; c < classCount; c++) if (targets[n][c] > 0.5f) counts[c][0]++;
		for (final int n : validation) for (int c = 0; c < classCount; c++) if (targets[n][c] > 0.5f) counts[c][1]++;
		return counts;
	}

	@Override
	public String toString() {
		return train.length + " training, " + validation.length + " validation images";
	}
}
