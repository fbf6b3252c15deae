package io.github.zoomcam.fiji;

import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;
import io.github.zoomcam.core.ZoomCamException;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.Service;

/**
 * Caches bundles by (absolute path, modification time, device). Closing a bundle (a changed file,
 * {@link #releaseAll}, dispose) waits for a running explain call on it to finish.
 */
@Plugin(type = Service.class)
public class DefaultZoomCamService extends AbstractService implements ZoomCamService {

	/** Where bundles are looked for under an ImageJ/Fiji folder. */
	static final Path MODELS = Paths.get("plugins", "Zoom-CAM", "models");

	private record Key(Path path, long modified, DeviceChoice device) {}

	@Parameter(required = false)
	private LogService log;

	private final Map<Key, ModelBundle> bundles = new LinkedHashMap<>();
	private boolean disposed;
	private List<String> quietened = List.of();

	@Override
	public synchronized ModelBundle bundle(final Path path, final DeviceChoice device,
		final Consumer<String> warnings)
	{
		if (disposed) throw new ZoomCamException("Zoom-CAM was shut down with Fiji; restart Fiji to explain images");
		if (path == null) throw new ZoomCamException("no model bundle given: choose a bundle folder or .zip");
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
		final List<String> notes = new ArrayList<>();
		final ModelBundle loaded = ModelBundle.load(absolute, device, w -> {
			// device=auto on a machine without a GPU is the ordinary case, not a warning: it goes into the line
			if (w.equals(ModelBundle.NO_GPU)) notes.add("no usable GPU found");
			else if (warnings != null) warnings.accept(w);
		});
		bundles.put(key, loaded);
		if (log != null) {
			log.info("Zoom-CAM: model " + loaded.manifest().name() + " on " + deviceName(loaded) + (notes.isEmpty()
				? "" : " (" + String.join("; ", notes) + ")"));
			log.debug("Zoom-CAM: " + absolute + ": " + loaded.runtime() + "; gradients " + (loaded.batchedGradients()
				? "batched" : "one image per pass") + "; self-test " + loaded.selfTest() + "; quietened loggers " +
				quietened);
		}
		return loaded;
	}

	/** "the CPU" or "GPU gpu(0)", as a biologist reads it. */
	private static String deviceName(final ModelBundle bundle) {
		return bundle.device().isGpu() ? "GPU " + bundle.device() : "the CPU";
	}

	@Override
	public void initialize() {
		// before any model is loaded: DJL logs its GPU probe when the engine starts
		quietened = EngineLogging.quiet();
	}

	@Override
	public Path defaultModel() {
		for (final Path dir : modelFolders()) {
			if (!Files.isDirectory(dir)) continue;
			try (Stream<Path> entries = Files.list(dir)) {
				final Path found = entries.filter(p -> Files.isRegularFile(p.resolve("zoomcam.json")) || (Files
					.isRegularFile(p) && p.toString().endsWith(".zip"))).sorted().findFirst().orElse(null);
				if (found != null) return found.toAbsolutePath().normalize();
			}
			catch (final IOException e) {
				// unreadable folder: try the next candidate
			}
		}
		return null;
	}

	/**
	 * Candidate model folders, most specific first: the ImageJ folder Fiji announces (plugins.dir,
	 * imagej.dir, ij.dir, fiji.dir), the folder two levels above this plugin's jar (Fiji.app/jars/x.jar ->
	 * Fiji.app), and the working directory.
	 */
	static List<Path> modelFolders() {
		final Set<Path> roots = new LinkedHashSet<>();
		for (final String property : List.of("plugins.dir", "imagej.dir", "ij.dir", "fiji.dir")) {
			final String value = System.getProperty(property);
			if (value == null || value.isBlank()) continue;
			final Path p = Paths.get(value);
			roots.add(p);
			// plugins.dir sometimes names the plugins folder itself rather than its parent
			if (p.getFileName() != null && p.getFileName().toString().equals("plugins") && p.getParent() != null) {
				roots.add(p.getParent());
			}
		}
		final Path jarRoot = installationRoot();
		if (jarRoot != null) roots.add(jarRoot);
		roots.add(Paths.get(""));
		final List<Path> folders = new ArrayList<>();
		for (final Path root : roots) folders.add(root.resolve(MODELS).toAbsolutePath().normalize());
		return folders.stream().distinct().toList();
	}

	/** Fiji.app for Fiji.app/jars/zoom-cam-fiji.jar; the project folder for target/classes. */
	private static Path installationRoot() {
		try {
			final CodeSource source = DefaultZoomCamService.class.getProtectionDomain().getCodeSource();
			if (source == null || source.getLocation() == null) return null;
			final Path location = Paths.get(source.getLocation().toURI());
			final Path parent = location.getParent();
			return parent == null ? null : parent.getParent();
		}
		catch (final URISyntaxException | RuntimeException e) {
			return null;
		}
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
		synchronized (this) {
			disposed = true;
		}
		releaseAll();
	}

	private static long modified(final Path path) {
		try {
			if (Files.isDirectory(path)) {
				long newest = 0;
				for (final String name : List.of("zoomcam.json", "model.pt", "test_input.npy")) {
					final Path file = path.resolve(name);
					if (Files.exists(file)) newest = Math.max(newest, Files.getLastModifiedTime(file).toMillis());
				}
				return newest;
			}
			return Files.getLastModifiedTime(path).toMillis();
		}
		catch (final IOException e) {
			return -1;
		}
	}

	@Override
	public String toString() {
		return "Zoom-CAM service (" + loadedCount() + " model(s) loaded)";
	}
}
