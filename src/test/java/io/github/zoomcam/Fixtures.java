package io.github.zoomcam;

import io.github.zoomcam.core.FloatMap;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.NpyArray;
import io.github.zoomcam.pipeline.ImageConversion;
import io.github.zoomcam.pipeline.ImageFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paths of the committed fixtures (made by tools/make_fixtures.py) and comparison helpers. */
public final class Fixtures {

	public static final Path ROOT = Paths.get("src", "test", "resources", "fixtures").toAbsolutePath();
	public static final Path BUNDLE = ROOT.resolve("tiny-bundle");
	public static final Path RGB_IMAGE = ROOT.resolve("images").resolve("cells_rgb.png");
	public static final Path GREY16_IMAGE = ROOT.resolve("images").resolve("cells_grey16.tif");

	private Fixtures() {}

	public static ImageInput read(final Path image) {
		return ImageConversion.toInput(ImageFiles.open(image), image.getFileName().toString());
	}

	public static Map<String, NpyArray> expected(final String name) throws IOException {
		try (InputStream in = Files.newInputStream(ROOT.resolve("expected").resolve(name + ".npz"))) {
			return NpyArray.readNpz(in, name);
		}
	}

	/** |actual - expected| <= tolerance everywhere, with a message naming the worst pixel. */
	public static void assertClose(final NpyArray expected, final int offset, final FloatMap actual,
		final double tolerance, final String what)
	{
		final long[] s = expected.shape();
		assertEquals(s[s.length - 1], actual.width(), what + ": width");
		assertEquals(s[s.length - 2], actual.height(), what + ": height");
		final float[] a = actual.toArray();
		double worst = 0;
		int at = -1;
		for (int i = 0; i < a.length; i++) {
			final double d = Math.abs(a[i] - expected.data()[offset + i]);
			if (!(d <= worst)) {
				worst = d;
				at = i;
			}
		}
		final double w = worst;
		final int where = at;
		assertTrue(w <= tolerance, () -> what + ": max |diff| " + w + " > " + tolerance + " at pixel " + where);
	}

	/** Relative check for raw maps: |diff| <= rel * max|expected| (the maps are tiny on random weights). */
	public static void assertRelClose(final NpyArray expected, final FloatMap actual, final double rel,
		final String what)
	{
		double scale = 0;
		for (final float v : expected.data()) scale = Math.max(scale, Math.abs(v));
		assertTrue(scale > 0, what + ": reference map is all zero, the fixture does not test anything");
		assertClose(expected, 0, actual, rel * scale, what);
	}
}
