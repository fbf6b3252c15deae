package io.github.zoomcam.fiji;

import ij.Macro;
import ij.Menus;
import ij.WindowManager;
import ij.plugin.PlugIn;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.scijava.command.CommandInfo;
import org.scijava.module.Module;

/**
 * What imagej-legacy does for an ImageJ macro's run("Explain Image...", "key=value ...") in a headless
 * Fiji, for tests: the IJ1 interpreter finds the menu label in its command table and calls this plugin,
 * which turns the macro options into the command's inputs (Macro.getValue per parameter name), gives
 * ImagePlus inputs the active image, and runs the command through the SciJava module layer with pre- and
 * postprocessing. It does nothing with the command's outputs: a headless Fiji does not hand ItemIO images
 * or tables to ImageJ 1 either, so whatever the macro finds afterwards (images by title, the Results
 * table) the command itself must have given to ImageJ.
 */
public class MacroBridge implements PlugIn {

	static volatile CommandHarness harness;
	static final List<Module> runs = new ArrayList<>();
	/** Values a test macro reports with call("io.github.zoomcam.fiji.MacroBridge.note", key, value). */
	static final Map<String, String> notes = new java.util.concurrent.ConcurrentHashMap<>();

	/** For test macros: remembers a value the macro saw. */
	public static String note(final String key, final String value) {
		notes.put(key, value);
		return value;
	}

	/** Puts the Zoom-CAM menu labels into ImageJ 1's command table, without building AWT menus. */
	@SuppressWarnings("unchecked")
	static void install(final CommandHarness h, final List<String> labels) throws ReflectiveOperationException {
		harness = h;
		runs.clear();
		Hashtable<String, String> table = Menus.getCommands();
		if (table == null) {
			// A headless JVM cannot build ImageJ's menu bar; an empty table keeps IJ.open() from trying.
			final Field f = Menus.class.getDeclaredField("pluginsTable");
			f.setAccessible(true);
			table = new Hashtable<>();
			f.set(null, table);
		}
		for (final String label : labels) table.put(label, MacroBridge.class.getName() + "(\"" + label + "\")");
	}

	@Override
	public void run(final String menuLabel) {
		final String options = Macro.getOptions() == null ? "" : Macro.getOptions();
		final CommandInfo info = harness.command(menuLabel);
		final Map<String, Object> inputs = CommandHarness.inputs(info, options, WindowManager.getCurrentImage());
		final Module module = harness.run(info, inputs);
		synchronized (runs) {
			runs.add(module);
		}
		if (CommandHarness.canceled(module)) {
			throw new IllegalStateException(menuLabel + " was cancelled: " + CommandHarness.reason(module));
		}
	}
}
