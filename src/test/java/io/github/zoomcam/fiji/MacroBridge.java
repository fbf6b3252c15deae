package io.github.zoomcam.fiji;

import ij.ImagePlus;
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
 * What imagej-legacy does for an ImageJ macro's run("Explain Image...", "key=value ..."), for tests: the
 * IJ1 interpreter finds the menu label in its command table and calls this plugin, which turns the macro
 * options into the command's inputs (Macro.getValue per parameter name), gives ImagePlus inputs the
 * active image, runs the command through the SciJava module layer, and registers image outputs with
 * ImageJ (as Fiji displays them) so that the macro can go on with them.
 */
public class MacroBridge implements PlugIn {

	static volatile CommandHarness harness;
	static final List<Module> runs = new ArrayList<>();

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
		for (final Object output : module.getOutputs().values()) {
			if (output instanceof ImagePlus image) image.show();
		}
	}
}
