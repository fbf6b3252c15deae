package io.github.zoomcam.ij;

import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ModelBundle;

import java.nio.file.Path;

import org.scijava.service.SciJavaService;

/**
 * Owns the loaded model bundles and their native resources for the whole Fiji session: commands ask it
 * for a bundle instead of loading their own, and it releases everything on dispose.
 */
public interface ZoomCamService extends SciJavaService {

	/**
	 * The bundle at this path on this device, loaded once and reused until the file changes.
	 *
	 * @param warnings receives one-line warnings (GPU fallback) when the bundle is loaded
	 */
	ModelBundle bundle(Path path, DeviceChoice device, java.util.function.Consumer<String> warnings);

	/** The model bundle shipped with the plugin (Fiji.app/plugins/Zoom-CAM/models/), or null when none. */
	Path defaultModel();

	/** Closes every loaded bundle now (also done on dispose). */
	void releaseAll();

	/** Number of bundles currently held. */
	int loadedCount();
}
