package io.github.zoomcam.engine;

import io.github.zoomcam.core.ZoomCamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Which classes to explain for each image.
 */
public sealed interface TargetSpec {

	/** The k classes with the highest scores. */
	record TopK(int k) implements TargetSpec {

		public TopK {
			if (k < 1) throw new ZoomCamException("top-k needs k >= 1, got " + k);
		}
	}

	/** Classes named explicitly, by name or by index (0-based). */
	record Classes(List<String> names) implements TargetSpec {

		public Classes {
			names = List.copyOf(names);
			if (names.isEmpty()) throw new ZoomCamException("no class given: name at least one class");
		}
	}

	/** Every class whose probability (softmax or sigmoid, as the bundle says) reaches p. */
	record ProbabilityAtLeast(double p) implements TargetSpec {

		public ProbabilityAtLeast {
			if (!(p >= 0 && p <= 1)) throw new ZoomCamException("probability threshold must be in [0, 1], got " + p);
		}
	}

	TargetSpec TOP1 = new TopK(1);

	/**
	 * Parses the text form used by the command line, the Fiji dialogs and macros: {@code top1},
	 * {@code top3}, {@code p>=0.5}, or a comma-separated list of class names or indices.
	 */
	static TargetSpec parse(final String text) {
		final String t = text == null ? "" : text.trim();
		final String lower = t.toLowerCase(Locale.ROOT).replace(" ", "");
		if (lower.isEmpty() || lower.equals("top1") || lower.equals("top-1")) return TOP1;
		if (lower.matches("top-?\\d+")) return new TopK(Integer.parseInt(lower.replaceAll("\\D", "")));
		if (lower.matches("(p|prob|probability)(>=|:|=)[0-9.eE+-]+")) {
			final String number = lower.replaceFirst("^[a-z]+(>=|:|=)", "");
			try {
				return new ProbabilityAtLeast(Double.parseDouble(number));
			}
			catch (final NumberFormatException e) {
				throw new ZoomCamException("cannot read probability '" + number + "' in target '" + t + "'");
			}
		}
		return new Classes(Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
	}

	/** Fails early, before any network pass, on class names the bundle does not have. */
	default void validate(final BundleManifest manifest) {
		if (this instanceof Classes c) {
			for (final String name : c.names()) classIndex(manifest, name);
		}
		if (this instanceof TopK k && k.k() > manifest.classes().size()) {
			throw new ZoomCamException("top-" + k.k() + " asked but the model has only " + manifest.classes()
				.size() + " classes");
		}
	}

	/** The class indices to explain for one image, best first for top-k and thresholds. */
	default int[] resolve(final BundleManifest manifest, final float[] probabilities) {
		final Integer[] order = IntStream.range(0, probabilities.length).boxed().toArray(Integer[]::new);
		Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -probabilities[i]));
		if (this instanceof TopK k) {
			return Arrays.stream(order).limit(k.k()).mapToInt(Integer::intValue).toArray();
		}
		if (this instanceof ProbabilityAtLeast p) {
			return Arrays.stream(order).filter(i -> probabilities[i] >= p.p()).mapToInt(Integer::intValue).toArray();
		}
		final List<Integer> out = new ArrayList<>();
		for (final String name : ((Classes) this).names()) {
			final int index = classIndex(manifest, name);
			if (!out.contains(index)) out.add(index);
		}
		return out.stream().mapToInt(Integer::intValue).toArray();
	}

	private static int classIndex(final BundleManifest manifest, final String name) {
		final int byName = manifest.classes().indexOf(name);
		if (byName >= 0) return byName;
		for (int i = 0; i < manifest.classes().size(); i++) {
			if (manifest.classes().get(i).equalsIgnoreCase(name)) return i;
		}
		if (name.matches("\\d+")) {
			final int index = Integer.parseInt(name);
			if (index < manifest.classes().size()) return index;
		}
		throw new ZoomCamException("unknown class '" + name + "'; this model's classes are: " + String.join(", ",
			manifest.classes()));
	}
}
