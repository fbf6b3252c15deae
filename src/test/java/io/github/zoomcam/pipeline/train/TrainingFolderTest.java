package io.github.zoomcam.pipeline.train;

import io.github.zoomcam.core.ZoomCamException;
import io.github.zoomcam.engine.train.LabelKind;
import io.github.zoomcam.synth.SynthClass;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the two layouts, and every folder problem as one actionable line. */
class TrainingFolderTest {

	@TempDir
	Path tmp;

	@Test
	void synthLayoutIsMultiLabelWithTheCsvColumns() {
		final Path dir = TrainingTestData.multiLabel(tmp.resolve("synth"), 6, 3);
		final TrainingFolder folder = TrainingFolder.read(dir);
		assertEquals(LabelKind.MULTI_LABEL, folder.kind());
		assertEquals(List.of("nucleus", "rod", "ring", "puncta"), folder.classes());
		assertEquals(6, folder.size());
		assertEquals("image_labels.csv", folder.layout());
		assertEquals(dir.resolve("images").resolve("img_00000.tif"), folder.file(0));
		assertEquals(128, folder.load(0).width());
	}

	@Test
	void classFoldersAreSingleLabelInNameOrder() throws IOException {
		final Path dir = TrainingTestData.singleLabel(tmp.resolve("folders"), List.of(SynthClass.RING,
			SynthClass.NUCLEUS), 2, 4);
		final TrainingFolder folder = TrainingFolder.read(dir);
		assertEquals(LabelKind.SINGLE_LABEL, folder.kind());
		assertEquals(List.of("nucleus", "ring"), folder.classes());
		assertEquals(4, folder.size());
		assertArrayEquals(new float[] {1, 0}, folder.target(0));
		assertArrayEquals(new float[] {0, 1}, folder.target(3));
		assertTrue(folder.name(0).startsWith("nucleus/"));
	}

	@Test
	void classesTxtSetsTheOrderAndQuotedNamesAreRead() throws IOException {
		final Path dir = Files.createDirectories(tmp.resolve("csv"));
		Files.writeString(dir.resolve("a, b.png"), "");
		Files.writeString(dir.resolve("c.png"), "");
		Files.writeString(dir.resolve("image_labels.csv"), "image,x,y\n\"a, b.png\",1,0\nc.png,0,1\n");
		Files.writeString(dir.resolve("classes.txt"), "y\nx\n");
		final TrainingFolder folder = TrainingFolder.read(dir);
		assertEquals(List.of("y", "x"), folder.classes());
		assertEquals("a, b.png", folder.name(0));
		assertArrayEquals(new float[] {0, 1}, folder.target(0));
	}

	@Test
	void classFolderWithoutImages() throws IOException {
		final Path dir = TrainingTestData.singleLabel(tmp.resolve("folders"), List.of(SynthClass.ROD), 2, 4);
		Files.createDirectories(dir.resolve("empty"));
		Files.writeString(dir.resolve("empty").resolve("notes.txt"), "no images here");
		assertOneLine(() -> TrainingFolder.read(dir), "class folder", "empty has no images", "add images of 'empty'");
	}

	@Test
	void csvNamingMissingFiles() throws IOException {
		final Path dir = TrainingTestData.multiLabel(tmp.resolve("synth"), 4, 3);
		Files.delete(dir.resolve("images").resolve("img_00001.tif"));
		Files.delete(dir.resolve("images").resolve("img_00003.tif"));
		assertOneLine(() -> TrainingFolder.read(dir), "names 2 file(s)", "img_00001.tif, img_00003.tif",
			"fix the names or remove those rows");
	}

	@Test
	void csvValuesOtherThanZeroOrOne() throws IOException {
		final Path dir = TrainingTestData.multiLabel(tmp.resolve("synth"), 4, 3);
		final Path csv = dir.resolve("image_labels.csv");
		final List<String> lines = new java.util.ArrayList<>(Files.readAllLines(csv));
		lines.set(3, lines.get(3).replaceFirst(",[01],", ",yes,"));
		Files.write(csv, lines);
		assertOneLine(() -> TrainingFolder.read(dir), "image_labels.csv line 4", "value 'yes'", "is not 0 or 1");
	}

	@Test
	void folderWithNeitherLayout() throws IOException {
		final Path dir = Files.createDirectories(tmp.resolve("flat"));
		Files.writeString(dir.resolve("a.tif"), "");
		assertOneLine(() -> TrainingFolder.read(dir), "has neither image_labels.csv nor sub-folders");
		assertOneLine(() -> TrainingFolder.read(tmp.resolve("nope")), "training data folder not found");
	}

	@Test
	void classNeverPresentInTheCsv() throws IOException {
		final Path dir = Files.createDirectories(tmp.resolve("csv"));
		Files.writeString(dir.resolve("a.png"), "");
		Files.writeString(dir.resolve("image_labels.csv"), "image,x,y\na.png,1,0\n");
		assertOneLine(() -> TrainingFolder.read(dir), "class 'y' is 0 in every row");
	}

	static void assertOneLine(final Executable action, final String... fragments) {
		final ZoomCamException e = assertThrows(ZoomCamException.class, action);
		assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
		for (final String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
	}
}
