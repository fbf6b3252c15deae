package io.github.zoomcam.fiji;

import io.github.zoomcam.Fixtures;
import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service that owns loaded models: cached by path and modification time, released on dispose. */
class ZoomCamServiceTest {

	@TempDir
	Path tmp;

	private Path copyOfTheFixtureBundle() throws IOException {
		final Path copy = Files.createDirectories(tmp.resolve("bundle"));
		try (Stream<Path> files = Files.list(Fixtures.BUNDLE)) {
			for (final Path f : files.toList()) {
				Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
			}
		}
		return copy;
	}

	@Test
	void bundlesAreCachedUntilTheirFilesChangeAndReleasedOnDispose() throws IOException {
		final Path bundle = copyOfTheFixtureBundle();
		final Context context = new Context(ZoomCamService.class);
		final ZoomCamService service = context.service(ZoomCamService.class);
		final ModelBundle first = service.bundle(bundle, DeviceChoice.CPU, w -> {});
		assertSame(first, service.bundle(bundle.resolve(".").resolve("..").resolve("bundle"), DeviceChoice.CPU,
			w -> {}), "same path, same file: the loaded bundle");
		assertEquals(1, service.loadedCount());

		Files.setLastModifiedTime(bundle.resolve("model.pt"), FileTime.fromMillis(System.currentTimeMillis() +
			60_000));
		final ModelBundle changed = service.bundle(bundle, DeviceChoice.CPU, w -> {});
		assertNotSame(first, changed, "a changed model.pt is loaded again");
		assertEquals(1, service.loadedCount(), "the old version is closed and dropped");
		final ZoomCamException unloaded = assertThrows(ZoomCamException.class, () -> first.explainer().explain(List.of(
			Fixtures.read(Fixtures.RGB_IMAGE)), ExplainOptions.defaults()));
		assertTrue(unloaded.getMessage().contains("was unloaded"), unloaded.getMessage());
		assertEquals(1, changed.explainer().explain(List.of(Fixtures.read(Fixtures.RGB_IMAGE)), ExplainOptions
			.defaults()).images().size());

		context.dispose();
		assertEquals(0, service.loadedCount(), "dispose releases every bundle");
		assertThrows(ZoomCamException.class, () -> service.bundle(bundle, DeviceChoice.CPU, w -> {}));
	}

	@Test
	void theDefaultModelIsTheBundledOneNextToThePlugin() {
		final Context context = new Context(ZoomCamService.class);
		try {
			final Path model = context.service(ZoomCamService.class).defaultModel();
			assertEquals(Path.of("plugins", "Zoom-CAM", "models", "synthetic-cells").toAbsolutePath(), model);
		}
		finally {
			context.dispose();
		}
	}
}
