package io.github.zoomcam.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a task needs besides its images, as text: it travels in the task closure to every executor.
 *
 * @param model the bundle path as the executors see it (shared filesystem, or the name of a bundle shipped
 *        with the job: see {@link ExecutorEngines#resolve})
 * @param device auto, cpu or gpu, resolved on each executor
 * @param outputFolder the absolute output folder every executor writes into
 * @param settings the explain settings as text (keys of {@link io.github.zoomcam.pipeline.ExplainSettings})
 * @param overwrite redo images whose current result exists
 * @param batch images per engine call
 * @param enginesPerExecutor engines one executor JVM may load (0: one per concurrently running task on a
 *        CPU, a single shared one on a GPU)
 * @param settingsHash the key of the settings with the model the driver checked; an executor that finds
 *        another model at {@code model} refuses to write
 * @param markFolder where tasks note the images this job committed (see {@link JobMarks})
 */
public record JobSpec(String model, String device, String outputFolder, Map<String, String> settings,
	boolean overwrite, int batch, int enginesPerExecutor, String settingsHash, String markFolder)
	implements Serializable
{

	private static final long serialVersionUID = 1L;

	public JobSpec {
		settings = Collections.unmodifiableSortedMap(new TreeMap<>(settings));
	}

	/** The key of an executor's engines: one model on one device per JVM. */
	public String engineKey() {
		return model + " on " + device;
	}
}
