package io.github.zoomcam.engine;

/**
 * What actually ran: logged and written to result files, because a JNI/libtorch mismatch or a silent CPU
 * fallback otherwise goes unnoticed.
 *
 * @param engine DJL engine name
 * @param engineVersion libtorch version
 * @param djlVersion DJL version
 * @param flavor native flavor (cpu, cu128, ...) derived from the loaded library path
 * @param device the device used, e.g. cpu() or gpu(0)
 */
public record RuntimeInfo(String engine, String engineVersion, String djlVersion, String flavor, String device) {

	@Override
	public String toString() {
		return engine + " " + engineVersion + " (" + flavor + ", DJL " + djlVersion + ") on " + device;
	}
}
