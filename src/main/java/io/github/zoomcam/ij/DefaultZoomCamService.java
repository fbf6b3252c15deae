package io.github.zoomcam.ij;

import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

/** Caches bundles by (absolute path, modification time, device). */
@Plugin(type = Service.class)
public class DefaultZoomCamService extends AbstractService implements ZoomCamService {

	private record Key(Path path, long modified, DeviceChoice device) {}

	private final Map<Key, ModelBundle> bundles = new LinkedHashMap<>();

	@Override
	public synchronized ModelBundle bundle(final Path path, final DeviceChoice device,
		final Consumer<String> warnings)
	{
		final Path absolute = path.toAbsolutePath().normalize();
		final Key key = new Key(absolute, modified(absolute), device);
		final ModelBundle cached = bundles.get(key);
		if (cached != null) return cached;
		// A changed file replaces its older version: drop stale entries of the same path and device.
		bundles.entrySet().removeIf(e -> {
			final boolean stale = e.getKey().path().equals(absolute) && e.getKey().device() == device;
			if (stale) e.getValue().close();
			return stale;
		});
		final ModelBundle loaded = ModelBundle.load(absolute, device, warnings);
		bundles.put(key, loaded);
		return loaded;
	}

	@Override
	public Path defaultModel() {
		for (final Path dir : modelFolders()) {
			if (!Files.isDirectory(dir)) continue;
			try (Stream<Path> entries = Files.list(dir)) {
				final Path found = entries.filter(p -> Files.isRegularFile(p.resolve("zoomcam.json")) || p.toString()
					.endsWith(".zip")).sorted().findFirst().orElse(null);
				if (found != null) return found;
			}
			catch (final IOException e) {
				// unreadable folder: try the next candidate
			}
		}
		return null;
	}

	private static Path[] modelFolders() {
		final String pluginsDir = System.getProperty("plugins.dir");
		final String fijiDir = System.getProperty("imagej.dir", System.getProperty("fiji.dir"));
		return Stream.of(pluginsDir == null ? null : Paths.get(pluginsDir, "Zoom-CAM", "models"), pluginsDir == null
			? null : Paths.get(pluginsDir, "plugins", "Zoom-CAM", "models"), fijiDir == null ? null : Paths.get(fijiDir,
				"plugins", "Zoom-CAM", "models"), Paths.get("plugins", "Zoom-CAM", "models")).filter(
					java.util.Objects::nonNull).toArray(Path[]::new);
	}

	@Override
	public synchronized void releaseAll() {
		bundles.values().forEach(ModelBundle::close);
		bundles.clear();
	}

	@Override
	public synchronized int loadedCount() {
		return bundles.size();
	}

	@Override
	public void dispose() {
		releaseAll();
	}

	private static long modified(final Path path) {
		try {
			if (Files.isDirectory(path)) {
				final Path json = path.resolve("zoomcam.json");
				final Path model = path.resolve("model.pt");
				return Math.max(Files.exists(json) ? Files.getLastModifiedTime(json).toMillis() : 0, Files.exists(model)
					? Files.getLastModifiedTime(model).toMillis() : 0);
			}
			return Files.getLastModifiedTime(path).toMillis();
		}
		catch (final IOException e) {
			return -1;
		}
	}
}
