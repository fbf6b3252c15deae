package io.github.zoomcam.fiji;

import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;

import java.nio.file.Path;
import java.util.function.Consumer;

import org.scijava.service.SciJavaService;

/**
 * Owns the loaded model bundles and their native resources for the whole Fiji session: commands ask it
 * for a bundle instead of loading their own, run the engine through it, and it releases everything on
 * dispose.
 */
public interface ZoomCamService extends SciJavaService {

	/**
	 * The bundle at this path on this device, loaded once and reused until the file changes. Run it through
	 * {@link ModelBundle#explainer()}: calls on one bundle are serialised there, and a bundle being closed
	 * (its file changed, Fiji shuts down) waits for a running call.
	 *
	 * @param warnings receives one-line warnings (GPU fallback) when the bundle is loaded
	 */
	ModelBundle bundle(Path path, DeviceChoice device, Consumer<String> warnings);

	/**
	 * The model bundle shipped with the plugin (Fiji.app/plugins/Zoom-CAM/models/, the first bundle in
	 * name order), or null when none is installed.
	 */
	Path defaultModel();

	/** Closes every loaded bundle now (also done on dispose). */
	void releaseAll();

	/** Number of bundles currently held. */
	int loadedCount();
}
