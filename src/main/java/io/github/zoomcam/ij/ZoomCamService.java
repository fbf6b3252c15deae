package io.github.zoomcam.ij;

import io.github.zoomcam.engine.DeviceChoice;
import io.github.zoomcam.engine.ExplainMonitor;
import io.github.zoomcam.engine.ExplainOptions;
import io.github.zoomcam.engine.ExplainResult;
import io.github.zoomcam.engine.ImageInput;
import io.github.zoomcam.engine.ModelBundle;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.scijava.service.SciJavaService;

/**
 * Owns the loaded model bundles and their native resources for the whole Fiji session: commands ask it
 * for a bundle instead of loading their own, run the engine through it, and it releases everything on
 * dispose.
 */
public interface ZoomCamService extends SciJavaService {

	/**
	 * The bundle at this path on this device, loaded once and reused until the file changes.
	 *
	 * @param warnings receives one-line warnings (GPU fallback) when the bundle is loaded
	 */
	ModelBundle bundle(Path path, DeviceChoice device, Consumer<String> warnings);

	/**
	 * Runs the engine on a bundle this service holds. Calls on one bundle are serialised, so two commands
	 * running at once never share the network's state, and a bundle is never closed while in use.
	 *
	 * @param monitor progress reports and cancellation between network passes (may be null)
	 * @throws io.github.zoomcam.engine.ExplainCancelledException when the monitor cancels
	 */
	ExplainResult explain(ModelBundle bundle, List<ImageInput> images, ExplainOptions options,
		ExplainMonitor monitor);

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
