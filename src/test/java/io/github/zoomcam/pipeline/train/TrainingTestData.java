package io.github.zoomcam.pipeline.train;

import io.github.zoomcam.synth.SynthClass;
import io.github.zoomcam.synth.SynthOptions;
import io.github.zoomcam.synth.SyntheticDataset;
import io.github.zoomcam.synth.SyntheticImage;
import io.github.zoomcam.synth.SyntheticImageFiles;
import io.github.zoomcam.synth.SyntheticImageGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Tiny training folders, generated on the fly with the synth package (nothing committed). */
final class TrainingTestData {

	static final SynthOptions SMALL = SynthOptions.defaults().withSize(SynthOptions.MIN_SIZE, SynthOptions.MIN_SIZE);

	private TrainingTestData() {}

	/** images/, image_labels.csv, classes.txt: the layout ./zoomcam synth writes (multi-label). */
	static Path multiLabel(final Path dir, final int n, final long seed) {
		SyntheticDataset.write(dir, n, seed, SMALL);
		return dir;
	}

	/** One folder per class, each holding images that show that class and no other (single-label). */
	static Path singleLabel(final Path dir, final List<SynthClass> classes, final int perClass, final long seed)
		throws IOException
	{
		final SyntheticImageGenerator generator = new SyntheticImageGenerator(SMALL);
		final int[] found = new int[classes.size()];
		for (int index = 0; index < 100 * perClass && java.util.Arrays.stream(found).anyMatch(f -> f < perClass);
			index++)
		{
			final SyntheticImage image = generator.generate(seed, index);
			final boolean[] present = image.classesPresent();
			int count = 0;
			for (final boolean p : present) if (p) count++;
			if (count != 1) continue;
			for (int c = 0; c < classes.size(); c++) {
				if (image.contains(classes.get(c)) && found[c] < perClass) {
					final Path folder = Files.createDirectories(dir.resolve(classes.get(c).label()));
					SyntheticImageFiles.writeTiff(SyntheticImageFiles.image(image), folder.resolve(image.name() + ".tif"));
					found[c]++;
				}
			}
		}
		return dir;
	}
}
