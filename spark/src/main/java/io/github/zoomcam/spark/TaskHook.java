package io.github.zoomcam.spark;

import io.github.zoomcam.pipeline.BatchRunner;

import java.io.Serializable;

/**
 * Called on the executor after each image of a task, once its result folder is committed (or its failure
 * recorded). The tests use it to make a task attempt fail half-way, as a lost executor would; the job
 * itself passes {@link #NONE}.
 */
@FunctionalInterface
public interface TaskHook extends Serializable {

	TaskHook NONE = (outcome, partition, attempt) -> {};

	/**
	 * @param partition the task's partition
	 * @param attempt the task's attempt number (0 for the first attempt)
	 */
	void afterImage(BatchRunner.Outcome outcome, int partition, int attempt);
}
